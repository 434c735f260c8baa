# agents/: OCF resource agents, their shell library, the lab fence agent,
# and their tests.  Agents are scripts: nothing to compile.  `make` builds a
# ready-to-use OCF root in the build directory ($(builddir)/ocf) whose
# entries are symlinks into the source tree, so tests and the lab run the
# agents with OCF_ROOT=$VIGIL_BUILDDIR/ocf without installing; Debian's
# resource-agents are linked there too when present, so ocf:heartbeat:*
# agents run unchanged with the same OCF_ROOT.
VGL_OCF_AGENTS = agents/ocf/Dummy agents/ocf/IPaddr agents/ocf/nginx \
	agents/ocf/mysql agents/ocf/ping agents/ocf/health
VGL_OCF_LIB = agents/lib/vigil-ocf.sh
VGL_FENCE_AGENTS = agents/fence/fence_lab

ocfvigildir = $(OCF_ROOT_DIR)/resource.d/vigil
ocfvigil_SCRIPTS = $(VGL_OCF_AGENTS)
ocfviglibdir = $(OCF_ROOT_DIR)/lib/vigil
ocfviglib_DATA = $(VGL_OCF_LIB)
# fence_lab only drives the lab's power switch: it is never installed.
EXTRA_DIST += $(VGL_FENCE_AGENTS)

VGL_HEARTBEAT_RA = /usr/lib/ocf/resource.d/heartbeat
VGL_HEARTBEAT_LIB = /usr/lib/ocf/lib/heartbeat

all-local: agents-ocf-root
agents-ocf-root:
	@$(MKDIR_P) ocf/resource.d/vigil ocf/lib/vigil
	@for f in $(VGL_OCF_AGENTS); do \
	  ln -sfn "$(abs_top_srcdir)/$$f" "ocf/resource.d/vigil/$${f##*/}"; \
	done
	@ln -sfn "$(abs_top_srcdir)/$(VGL_OCF_LIB)" ocf/lib/vigil/vigil-ocf.sh
	@if test -d "$(VGL_HEARTBEAT_RA)"; then \
	  ln -sfn "$(VGL_HEARTBEAT_RA)" ocf/resource.d/heartbeat; fi
	@if test -d "$(VGL_HEARTBEAT_LIB)"; then \
	  ln -sfn "$(VGL_HEARTBEAT_LIB)" ocf/lib/heartbeat; fi
.PHONY: agents-ocf-root

clean-local: agents-clean-ocf-root
agents-clean-ocf-root:
	rm -rf ocf
.PHONY: agents-clean-ocf-root

EXTRA_DIST += $(VGL_OCF_AGENTS) $(VGL_OCF_LIB) $(VGL_FENCE_AGENTS) \
	tests/lab/lab_power.sh tests/agents/common.sh tests/agents/ra-api-1.1.rng \
	tests/agents/fixtures

# Tests: pure ones in UNIT_TESTS, the ones that need namespaces in LAB_TESTS.
UNIT_TESTS += tests/agents/agents.test tests/agents/crmctl-agent.test
LAB_TESTS += tests/agents/fence_lab.test tests/agents/ipaddr.test tests/agents/nginx.test \
	tests/agents/mysql.test tests/agents/example.test
EXTRA_DIST += tests/agents/agents.test tests/agents/crmctl-agent.test \
	tests/agents/fence_lab.test tests/agents/ipaddr.test tests/agents/nginx.test \
	tests/agents/mysql.test tests/agents/example.test tests/agents/pktcap.py
