/*
 * crmctl.h — what crmctl's command files share.  crmctl.c dispatches on the
 * first word; each command family lives in its own crmctl_WORD.c and has
 * one entry point with the signature below (argv[0] is the family name).
 */
#ifndef VGL_CRMCTL_H
#define VGL_CRMCTL_H

/* Exit codes, documented in crmctl --help and the man page. */
enum crmctl_exit {
    CRMCTL_OK = 0,
    CRMCTL_ERROR = 1,        /* the operation failed (details printed) */
    CRMCTL_USAGE = 2,        /* bad command line */
    CRMCTL_NOT_FOUND = 3,    /* no such resource, node, constraint, file */
    CRMCTL_PERM = 4,         /* permission denied */
    CRMCTL_UNAVAILABLE = 5,  /* the cluster (vigild) cannot be reached */
    CRMCTL_INVALID = 6,      /* the input (configuration, CIB) is invalid */
};

int crmctl_config_main(int argc, char **argv);
int crmctl_simulate_main(int argc, char **argv);
int crmctl_agent_main(int argc, char **argv);

#endif
