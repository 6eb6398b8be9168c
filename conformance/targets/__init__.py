"""Target, three layers top to bottom: expect (the clause tests' calls and expectations, failures as
ConformanceFailure), targets (what a target is: clients, start/stop, cleanup) and aws (the billable guard and
schedule). Imports the checker and the catalogue below it."""
