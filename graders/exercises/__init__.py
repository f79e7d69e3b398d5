"""One grader module per exercise; each defines EXERCISE."""
