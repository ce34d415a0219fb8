"""Personal data: how long it is kept, what a person can see, download, correct and erase."""
