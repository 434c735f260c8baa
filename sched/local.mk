# sched/: (empty so far)
