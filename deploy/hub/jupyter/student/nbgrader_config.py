# A student's nbgrader: the course's exchange, fetched assignments in the home folder.
import os

c = get_config()  # noqa: F821 (nbgrader's config loader defines it)
c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "dlcv-course")
c.Exchange.root = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")
