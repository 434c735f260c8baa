# cib/: the CIB library (libxml2 + glib only).
noinst_LIBRARIES += cib/libvglcib.a
cib_libvglcib_a_SOURCES = \
	include/vigil/vigil.h \
	cib/cib_util.c
CIB_LIBS = cib/libvglcib.a $(XML_LIBS) $(GLIB_LIBS)
