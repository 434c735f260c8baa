/* crmctl_agent.c — 'crmctl agent': not written yet. */
#include "config.h"

#include <stdio.h>

#include "tools/crmctl.h"

int crmctl_agent_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "crmctl agent: not implemented yet\n");
    return CRMCTL_ERROR;
}
