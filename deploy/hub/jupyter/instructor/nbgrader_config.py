# The instructor's nbgrader: the same exchange, and the course directory in the instructor's home
# (`course nbgrader ~/$COURSE_ID` writes it), which formgrader shows.
import os

c = get_config()  # noqa: F821 (nbgrader's config loader defines it)
c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "dlcv-course")
c.Exchange.root = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")
c.CourseDirectory.root = os.path.join(os.path.expanduser("~"), c.CourseDirectory.course_id)
