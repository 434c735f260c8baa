/* crmctl_simulate.c — 'crmctl simulate': not written yet. */
#include "config.h"

#include <stdio.h>

#include "tools/crmctl.h"

int crmctl_simulate_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "crmctl simulate: not implemented yet\n");
    return CRMCTL_ERROR;
}
