"""Planning the next operation: a discrete-event simulation of the pathway."""
