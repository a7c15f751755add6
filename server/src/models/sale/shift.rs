//! Shifts: opening float, cash movements, X/Z reports, manager acknowledgement, daily closing.
