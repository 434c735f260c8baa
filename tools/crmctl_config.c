/* crmctl_config.c — 'crmctl config': not written yet. */
#include "config.h"

#include <stdio.h>

#include "tools/crmctl.h"

int crmctl_config_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "crmctl config: not implemented yet\n");
    return CRMCTL_ERROR;
}
