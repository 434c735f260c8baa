# daemon/: (empty so far)
