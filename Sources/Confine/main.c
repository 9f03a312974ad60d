// gatehouse-confine: confines itself with Landlock, no_new_privs and resource limits, then execs a program.
//
//   gatehouse-confine [--rw DIR] [--ro DIR] [--rw-if-exists P] [--ro-if-exists P] [--connect-port N]
//                     [--nproc N] [--nofile N] [--fsize BYTES] [--cpu SECONDS] [--data BYTES] [--as BYTES]
//                     -- PROGRAM [ARG...]
//   gatehouse-confine --probe      prints the Landlock ABI version (0 and exit 1 when there is none)
//
// The executor cannot run code between fork and exec (swift-subprocess has no pre-exec hook), so it starts the
// Claude Code CLI through this trampoline. The plan is in argv (paths and numbers only, never secrets); the
// environment is passed to PROGRAM unchanged. Filesystem access is granted only beneath the given paths
// (--rw: everything; --ro: read and execute), TCP connect only to the given ports (Landlock ABI >= 4), and
// abstract unix sockets and signals are scoped to the confined tree (ABI >= 6). Core dumps are always off, and
// every capability is dropped (the program runs with none, even as root).
// On any failure it prints one line to stderr and exits with CONFINE_EXIT_FAILED: it never runs PROGRAM
// unconfined.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/prctl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

// Exit statuses; the executor recognises them (SandboxExit in Sources/Executor/Sandbox).
#define CONFINE_EXIT_USAGE 120  // the plan on the command line is malformed
#define CONFINE_EXIT_FAILED 121 // the confinement could not be set up; the program was not run
#define CONFINE_EXIT_EXEC 122   // confined, but the program could not be executed

// Landlock's user API, defined here because Debian 12's <linux/landlock.h> stops at ABI 2. Values from the
// kernel's include/uapi/linux/landlock.h; the kernel fixes them forever.
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif

#define GH_LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#define GH_LANDLOCK_RULE_PATH_BENEATH 1
#define GH_LANDLOCK_RULE_NET_PORT 2

#define GH_ACCESS_FS_EXECUTE (1ULL << 0)
#define GH_ACCESS_FS_WRITE_FILE (1ULL << 1)
#define GH_ACCESS_FS_READ_FILE (1ULL << 2)
#define GH_ACCESS_FS_READ_DIR (1ULL << 3)
#define GH_ACCESS_FS_REMOVE_DIR (1ULL << 4)
#define GH_ACCESS_FS_REMOVE_FILE (1ULL << 5)
#define GH_ACCESS_FS_MAKE_CHAR (1ULL << 6)
#define GH_ACCESS_FS_MAKE_DIR (1ULL << 7)
#define GH_ACCESS_FS_MAKE_REG (1ULL << 8)
#define GH_ACCESS_FS_MAKE_SOCK (1ULL << 9)
#define GH_ACCESS_FS_MAKE_FIFO (1ULL << 10)
#define GH_ACCESS_FS_MAKE_BLOCK (1ULL << 11)
#define GH_ACCESS_FS_MAKE_SYM (1ULL << 12)
#define GH_ACCESS_FS_REFER (1ULL << 13)    // ABI 2
#define GH_ACCESS_FS_TRUNCATE (1ULL << 14) // ABI 3
#define GH_ACCESS_FS_IOCTL_DEV (1ULL << 15) // ABI 5
#define GH_ACCESS_NET_BIND_TCP (1ULL << 0)    // ABI 4
#define GH_ACCESS_NET_CONNECT_TCP (1ULL << 1) // ABI 4
#define GH_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) // ABI 6
#define GH_SCOPE_SIGNAL (1ULL << 1)              // ABI 6

struct gh_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

struct gh_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

struct gh_net_port_attr {
    uint64_t allowed_access;
    uint64_t port;
};

// Every filesystem right of ABI 1; later ABIs add bits, masked off below for older kernels.
#define FS_ALL_ABI5 ((GH_ACCESS_FS_IOCTL_DEV << 1) - 1)
#define FS_READ_EXECUTE (GH_ACCESS_FS_EXECUTE | GH_ACCESS_FS_READ_FILE | GH_ACCESS_FS_READ_DIR)
// Rights that make sense on a file (not a directory); the kernel refuses the others on a file rule.
#define FS_FILE_RIGHTS \
    (GH_ACCESS_FS_EXECUTE | GH_ACCESS_FS_WRITE_FILE | GH_ACCESS_FS_READ_FILE | GH_ACCESS_FS_TRUNCATE | \
     GH_ACCESS_FS_IOCTL_DEV)

#define MAX_PATHS 128
#define MAX_PORTS 64

struct path_rule {
    const char *path;
    uint64_t access;
    int optional;
};

struct plan {
    struct path_rule paths[MAX_PATHS];
    int path_count;
    uint64_t ports[MAX_PORTS];
    int port_count;
    // RLIM_INFINITY - 1 marks "not given": the limit is left as inherited.
    rlim_t nproc, nofile, fsize, cpu, data, as;
    char **program;
};

#define UNSET ((rlim_t)RLIM_INFINITY - 1)

static void fail(int code, const char *what, const char *detail, int error) {
    if (error) {
        fprintf(stderr, "gatehouse-confine: %s%s%s: %s\n", what, detail ? " " : "", detail ? detail : "",
                strerror(error));
    } else {
        fprintf(stderr, "gatehouse-confine: %s%s%s\n", what, detail ? " " : "", detail ? detail : "");
    }
    exit(code);
}

static int landlock_abi(void) {
    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, GH_LANDLOCK_CREATE_RULESET_VERSION);
    return abi < 0 ? 0 : (int)abi;
}

static rlim_t parse_number(const char *flag, const char *text, unsigned long long max) {
    if (!text || !*text) fail(CONFINE_EXIT_USAGE, flag, "needs a number", 0);
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno || *end || text[0] == '-' || value > max) fail(CONFINE_EXIT_USAGE, flag, "needs a number in range", 0);
    return (rlim_t)value;
}

static void add_path(struct plan *plan, const char *flag, const char *path, uint64_t access, int optional) {
    if (!path || path[0] != '/') fail(CONFINE_EXIT_USAGE, flag, "needs an absolute path", 0);
    if (plan->path_count == MAX_PATHS) fail(CONFINE_EXIT_USAGE, flag, "too many paths", 0);
    plan->paths[plan->path_count++] = (struct path_rule){.path = path, .access = access, .optional = optional};
}

static void parse(int argc, char **argv, struct plan *plan) {
    plan->nproc = plan->nofile = plan->fsize = plan->cpu = plan->data = plan->as = UNSET;
    int i = 1;
    while (i < argc) {
        const char *flag = argv[i];
        if (strcmp(flag, "--") == 0) {
            i++;
            break;
        }
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(flag, "--rw") == 0) add_path(plan, flag, value, FS_ALL_ABI5, 0);
        else if (strcmp(flag, "--ro") == 0) add_path(plan, flag, value, FS_READ_EXECUTE, 0);
        else if (strcmp(flag, "--rw-if-exists") == 0) add_path(plan, flag, value, FS_ALL_ABI5, 1);
        else if (strcmp(flag, "--ro-if-exists") == 0) add_path(plan, flag, value, FS_READ_EXECUTE, 1);
        else if (strcmp(flag, "--connect-port") == 0) {
            if (plan->port_count == MAX_PORTS) fail(CONFINE_EXIT_USAGE, flag, "too many ports", 0);
            plan->ports[plan->port_count++] = parse_number(flag, value, 65535);
        } else if (strcmp(flag, "--nproc") == 0) plan->nproc = parse_number(flag, value, UNSET - 1);
        else if (strcmp(flag, "--nofile") == 0) plan->nofile = parse_number(flag, value, UNSET - 1);
        else if (strcmp(flag, "--fsize") == 0) plan->fsize = parse_number(flag, value, UNSET - 1);
        else if (strcmp(flag, "--cpu") == 0) plan->cpu = parse_number(flag, value, UNSET - 1);
        else if (strcmp(flag, "--data") == 0) plan->data = parse_number(flag, value, UNSET - 1);
        else if (strcmp(flag, "--as") == 0) plan->as = parse_number(flag, value, UNSET - 1);
        else fail(CONFINE_EXIT_USAGE, "unknown option", flag, 0);
        i += 2; // the option and its value
    }
    if (i >= argc) fail(CONFINE_EXIT_USAGE, "no program to run", "(expected: [options] -- PROGRAM [ARG...])", 0);
    plan->program = &argv[i];
}

/// The rights this kernel knows, as the kernel documentation's "best effort" example masks them.
static void mask_for_abi(int abi, struct gh_ruleset_attr *attr) {
    attr->handled_access_fs = FS_ALL_ABI5;
    attr->handled_access_net = GH_ACCESS_NET_CONNECT_TCP; // bind stays unrestricted: test suites may listen
    attr->scoped = GH_SCOPE_ABSTRACT_UNIX_SOCKET | GH_SCOPE_SIGNAL;
    switch (abi) {
    case 1: attr->handled_access_fs &= ~GH_ACCESS_FS_REFER; __attribute__((fallthrough));
    case 2: attr->handled_access_fs &= ~GH_ACCESS_FS_TRUNCATE; __attribute__((fallthrough));
    case 3: attr->handled_access_net = 0; __attribute__((fallthrough));
    case 4: attr->handled_access_fs &= ~GH_ACCESS_FS_IOCTL_DEV; __attribute__((fallthrough));
    case 5: attr->scoped = 0; __attribute__((fallthrough));
    default: break;
    }
}

static void confine(const struct plan *plan, int abi) {
    struct gh_ruleset_attr attr = {0};
    mask_for_abi(abi, &attr);
    if (plan->port_count > 0 && attr.handled_access_net == 0) {
        // Ports were asked for but this kernel cannot restrict TCP: say so rather than silently allowing all.
        fprintf(stderr, "gatehouse-confine: warning: Landlock ABI %d cannot restrict TCP connect (needs 4)\n", abi);
    }
    int ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
    if (ruleset < 0) fail(CONFINE_EXIT_FAILED, "landlock_create_ruleset failed", NULL, errno);

    for (int i = 0; i < plan->path_count; i++) {
        const struct path_rule *rule = &plan->paths[i];
        int fd = open(rule->path, O_PATH | O_CLOEXEC);
        if (fd < 0) {
            if (rule->optional && (errno == ENOENT || errno == ENOTDIR)) continue;
            fail(CONFINE_EXIT_FAILED, "cannot open", rule->path, errno);
        }
        struct stat st;
        if (fstat(fd, &st) != 0) fail(CONFINE_EXIT_FAILED, "cannot stat", rule->path, errno);
        uint64_t access = rule->access & attr.handled_access_fs;
        if (!S_ISDIR(st.st_mode)) access &= FS_FILE_RIGHTS;
        struct gh_path_beneath_attr beneath = {.allowed_access = access, .parent_fd = fd};
        if (syscall(__NR_landlock_add_rule, ruleset, GH_LANDLOCK_RULE_PATH_BENEATH, &beneath, 0) != 0) {
            fail(CONFINE_EXIT_FAILED, "landlock_add_rule failed for", rule->path, errno);
        }
        close(fd);
    }
    if (attr.handled_access_net) {
        for (int i = 0; i < plan->port_count; i++) {
            struct gh_net_port_attr port = {.allowed_access = GH_ACCESS_NET_CONNECT_TCP, .port = plan->ports[i]};
            if (syscall(__NR_landlock_add_rule, ruleset, GH_LANDLOCK_RULE_NET_PORT, &port, 0) != 0) {
                fail(CONFINE_EXIT_FAILED, "landlock_add_rule failed for a TCP port", NULL, errno);
            }
        }
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(CONFINE_EXIT_FAILED, "PR_SET_NO_NEW_PRIVS failed", NULL, errno);
    if (syscall(__NR_landlock_restrict_self, ruleset, 0) != 0) {
        fail(CONFINE_EXIT_FAILED, "landlock_restrict_self failed", NULL, errno);
    }
    close(ruleset);
}

static void limit(int resource, const char *name, rlim_t value) {
    if (value == UNSET) return;
    struct rlimit current;
    if (getrlimit(resource, &current) != 0) fail(CONFINE_EXIT_FAILED, "getrlimit failed for", name, errno);
    // Never raise a hard limit (that needs privileges); lower both to the plan's value.
    rlim_t wanted = value;
    if (current.rlim_max != RLIM_INFINITY && current.rlim_max < wanted) wanted = current.rlim_max;
    struct rlimit next = {.rlim_cur = wanted, .rlim_max = wanted};
    if (setrlimit(resource, &next) != 0) fail(CONFINE_EXIT_FAILED, "setrlimit failed for", name, errno);
}

/// No capabilities, now or after exec: an executor running as root would otherwise hand its tools CAP_SYS_PTRACE
/// (reading other processes' memory and environment past Landlock), CAP_NET_RAW (raw sockets past the TCP rules)
/// and the rest. Dropping from the bounding set needs CAP_SETPCAP; without it (an ordinary user) there is nothing
/// in the bounding set exec could grant anyway (no_new_privs ignores file capabilities).
static void drop_capabilities(void) {
    for (int cap = 0; cap < 64; cap++) {
        int present = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
        if (present < 0) break; // past the last capability this kernel knows
        if (present == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EPERM) {
            fail(CONFINE_EXIT_FAILED, "cannot drop a capability from the bounding set", NULL, errno);
        }
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
        fail(CONFINE_EXIT_FAILED, "cannot clear the ambient capabilities", NULL, errno);
    }
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof(data));
    if (syscall(SYS_capset, &header, data) != 0) fail(CONFINE_EXIT_FAILED, "cannot drop capabilities", NULL, errno);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--probe") == 0) {
        int abi = landlock_abi();
        printf("%d\n", abi);
        return abi > 0 ? 0 : 1;
    }
    struct plan plan = {0};
    parse(argc, argv, &plan);
    int abi = landlock_abi();
    if (abi <= 0) fail(CONFINE_EXIT_FAILED, "Landlock is not available in this kernel", NULL, 0);
    confine(&plan, abi);
    limit(RLIMIT_CORE, "RLIMIT_CORE", 0);
    limit(RLIMIT_NPROC, "RLIMIT_NPROC", plan.nproc);
    limit(RLIMIT_NOFILE, "RLIMIT_NOFILE", plan.nofile);
    limit(RLIMIT_FSIZE, "RLIMIT_FSIZE", plan.fsize);
    limit(RLIMIT_CPU, "RLIMIT_CPU", plan.cpu);
    limit(RLIMIT_DATA, "RLIMIT_DATA", plan.data);
    limit(RLIMIT_AS, "RLIMIT_AS", plan.as);
    drop_capabilities();
    execvp(plan.program[0], plan.program);
    fail(CONFINE_EXIT_EXEC, "cannot execute", plan.program[0], errno);
    return CONFINE_EXIT_EXEC;
}
