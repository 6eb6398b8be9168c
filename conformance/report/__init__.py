"""Reports: report.json / report.md (report), junit.xml / report.html (report_extra), the reproducers
(reproducer) and how they judge an answer (replay_judge)."""
