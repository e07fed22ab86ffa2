/*
 * cmdline.c - split the command line into options.
 */
#include "cmdline.h"
#include "lab.h"
#include "lib/format.h"
#include "lib/string.h"

const char cmdline_help[] =
	"chapter=N|SLUG (one chapter), guest=NAME (one guest), "
	"vmcbcheck=on|off (check every VMCB before VMRUN, default on), "
	"ondemand=on|off (also run the guests that may bring an emulator "
	"down, default off), "
	"watchdog=MS (stop a guest that runs longer, 1-60000, default 500), "
	"nasid=N (use at most N ASIDs, 0 to N-1, from chapter 12 on; "
	"2-65536, default the CPU's), "
	"trace=on|off (trace every exit, default on; off for measuring), "
	"fuzz=vmcb|insn (run a fuzzer instead of the course), "
	"seed=N and cases=N (the fuzzer's seed and case count), "
	"fault=de|ud|bp|gp|pf (raise a host exception), "
	"faultat=GUEST (raise it as that guest starts, not at boot)";

struct option_spec {
	const char *name;
	size_t offset;          /* of the value buffer in struct options */
};

static const struct option_spec specs[] = {
	{ "chapter", offsetof(struct options, chapter) },
	{ "guest", offsetof(struct options, guest) },
	{ "fault", offsetof(struct options, fault) },
	{ "vmcbcheck", offsetof(struct options, vmcbcheck) },
	{ "ondemand", offsetof(struct options, ondemand) },
	{ "watchdog", offsetof(struct options, watchdog) },
	{ "nasid", offsetof(struct options, nasid) },
	{ "trace", offsetof(struct options, trace) },
	{ "fuzz", offsetof(struct options, fuzz) },
	{ "seed", offsetof(struct options, seed) },
	{ "cases", offsetof(struct options, cases) },
	{ "faultat", offsetof(struct options, faultat) },
};

#define NSPECS (sizeof(specs) / sizeof(specs[0]))

/* Store one "name=value" word; returns 0 or -1 with a message. */
static int take_word(const char *w, size_t len, struct options *o,
		     char *err, size_t errlen)
{
	size_t i, nlen;

	/* LAB 1 BEGIN take_word: match "name=value" against the options */
	for (nlen = 0; nlen < len && w[nlen] != '='; nlen++)
		;
	for (i = 0; i < NSPECS; i++) {
		char *dst = (char *)o + specs[i].offset;
		size_t vlen = len - nlen - 1;

		if (strlen(specs[i].name) != nlen ||
		    strncmp(specs[i].name, w, nlen) != 0)
			continue;
		if (nlen == len || vlen == 0) {
			ksnprintf(err, errlen, "option '%s' needs a value",
				  specs[i].name);
			return -1;
		}
		if (vlen >= CMDLINE_VALUE_MAX) {
			ksnprintf(err, errlen, "value of '%s' is too long",
				  specs[i].name);
			return -1;
		}
		memcpy(dst, w + nlen + 1, vlen);
		dst[vlen] = 0;
		return 0;
	}
	ksnprintf(err, errlen, "unknown option '%.*s'; options are: %s",
		  (int)len, w, cmdline_help);
	return -1;
	/* LAB 1 END */
}

const char *cmdline_args(const char *line, int image_name_first)
{
	if (!image_name_first)
		return line;
	while (*line == ' ' || *line == '\t')
		line++;
	while (*line && *line != ' ' && *line != '\t')
		line++;
	return line;
}

int cmdline_parse(const char *line, struct options *o, char *err,
		  size_t errlen)
{
	const char *p = line;

	memset(o, 0, sizeof(*o));
	while (*p) {
		const char *w;
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		for (w = p; *p && *p != ' ' && *p != '\t'; p++)
			;
		len = (size_t)(p - w);
		if (take_word(w, len, o, err, errlen) < 0)
			return -1;
	}
	return 0;
}
