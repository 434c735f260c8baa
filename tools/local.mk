# tools/: crmctl and ha-status.
bin_PROGRAMS += tools/crmctl
tools_crmctl_SOURCES = tools/crmctl.c tools/crmctl.h \
	tools/crmctl_config.c \
	tools/crmctl_simulate.c \
	tools/crmctl_agent.c
# CRMCTL_LIBS is set (with =) by the fragments included before this one
# (sched/local.mk); later ones add with +=.
tools_crmctl_LDADD = $(CRMCTL_LIBS) $(CIB_LIBS)
