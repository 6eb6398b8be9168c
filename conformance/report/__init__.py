"""Reports: report.json / report.md (report), junit.xml / report.html (report_extra), the reproducers
(reproducer) and the harness each one carries (replay_judge)."""
