"""What staff asked and what the assistant did, read from the tracker store for a period: the
owners' report (`make report`) and the questions they label (`make label`)."""
