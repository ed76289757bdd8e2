/* SPDX-License-Identifier: MIT */
/*
 * svsm-migrate, the VMM-side migration agent. It is untrusted by design (docs/design.md): it
 * moves opaque records between a guest's MigrationPage rings and TCP connections to the peer
 * agent, and at most decodes record headers for progress, statistics and captures.
 *
 * Exit codes are part of the interface (docs/agent.md); scripts rely on them being distinct.
 */
#ifndef AGENT_AGENT_H
#define AGENT_AGENT_H

enum agent_exit {
	AGENT_EXIT_OK = 0,
	AGENT_EXIT_INTERNAL = 1,     /* an I/O or resource failure of the agent itself */
	AGENT_EXIT_USAGE = 2,	     /* bad command line */
	AGENT_EXIT_ATTACH = 3,	     /* memory file, image, magic, ABI version, ring geometry, or
				      * ring indices the SVSM should never have written */
	AGENT_EXIT_CONNECT = 4,	     /* cannot connect, listen or pair connections with the peer */
	AGENT_EXIT_PEER_CLOSED = 5,  /* the peer agent or the network went away before the end */
	AGENT_EXIT_SVSM_FAILED = 6,  /* SOURCE_ABORTED or TARGET_FAILED (the SVSM's error shown) */
	AGENT_EXIT_TIMEOUT = 7,	     /* --timeout elapsed */
	AGENT_EXIT_WRONG_STATE = 8,  /* the SVSM is not in the state the command needs */
	AGENT_EXIT_BAD_CAPTURE = 9,  /* inspect: missing, unreadable or malformed capture file */
	AGENT_EXIT_INTERRUPTED = 10, /* SIGINT or SIGTERM */
	AGENT_EXIT_PEER_PROTOCOL =
	    11, /* the peer agent broke the framing (hello or record length) */
};

#endif
