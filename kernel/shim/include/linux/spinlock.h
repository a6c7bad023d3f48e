/* Stand-in: see dmaspec-shim.h and kernel/README.md. */
#include <dmaspec-shim.h>
