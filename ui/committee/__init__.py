"""Committee mode of the GUI: overview of a period's branches, branch detail, grading."""
