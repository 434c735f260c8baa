# cib/: the CIB library (libxml2 + glib only).
noinst_LIBRARIES += cib/libvglcib.a
cib_libvglcib_a_SOURCES = \
	include/vigil/vigil.h \
	include/vigil/cib.h \
	include/vigil/cib_store.h \
	cib/cib_internal.h \
	cib/cib_validate_internal.h \
	cib/cib_util.c \
	cib/cib.c \
	cib/cib_xml.c \
	cib/cib_option.c \
	cib/cib_query.c \
	cib/cib_validate.c \
	cib/cib_validate_rsc.c \
	cib/cib_validate_cons.c \
	cib/cib_validate_status.c \
	cib/cib_modify.c \
	cib/cib_status.c \
	cib/cib_diff.c \
	cib/cib_store.c
CIB_LIBS = cib/libvglcib.a $(XML_LIBS) $(GLIB_LIBS)
