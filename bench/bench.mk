# bench/: the lab benchmarks (bench/run-all and the scripts it calls) and
# their probe, vglbench.  Benchmarks are never run by `make check`: they
# take minutes and their figures are not assertions.  bench/cib_bench,
# bench/sched_bench and bench/ipc_bench belong to the cib/, sched/ and
# daemon/ipc fragments.
noinst_PROGRAMS += bench/vglbench
bench_vglbench_SOURCES = bench/vglbench.c
bench_vglbench_LDADD = $(CLIENT_LIBS) -lpthread
EXTRA_DIST += bench/run-all bench/bench-lib.sh bench/failover bench/move bench/startup bench/ipc \
	bench/idle
