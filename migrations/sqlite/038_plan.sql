-- The year's plan: a target for each of the numbers an organizer sets a
-- goal on (plan.c names them), by year.
CREATE TABLE plan_goals (
	year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	metric TEXT NOT NULL,
	target INTEGER NOT NULL CHECK (target >= 0),
	PRIMARY KEY (year, metric)
);
