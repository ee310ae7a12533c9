
use builtin;
use str;

set edit:completion:arg-completer[isitdown] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'isitdown'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'isitdown'= {
            cand -f 'Also probe the targets in FILE, one per line (''#'' starts a comment; ''-'' reads stdin)'
            cand --file 'Also probe the targets in FILE, one per line (''#'' starts a comment; ''-'' reads stdin)'
            cand --format 'Output format'
            cand --output 'Write the prometheus or nagios report to FILE instead of stdout, replaced whole (through a temporary file in the same folder) after each round of a repeated run'
            cand --color 'When to use colours [default: auto]'
            cand -t 'Deadline for one whole probe, redirects and body included [default: 10s]'
            cand --timeout 'Deadline for one whole probe, redirects and body included [default: 10s]'
            cand -n 'Probes per target [default: 1]'
            cand --count 'Probes per target [default: 1]'
            cand -i 'Time between the starts of two probes of a target [default: 1s]'
            cand --interval 'Time between the starts of two probes of a target [default: 1s]'
            cand --until 'Repeat until every target is in this state (bounded by --count when given)'
            cand --on-change 'In repeated runs, run CMD with `sh -c` on every state change of a target (ISITDOWN_* variables say which), one at a time per target, killed after --timeout'
            cand --retries 'Re-probe a failed target up to N times before calling it down [default: 0]'
            cand --expect 'Statuses that count as up, e.g. 200, 2xx, 200-299,301'
            cand --contains 'The body must contain TEXT (at most 1 MiB is read)'
            cand --slow 'An answer slower than this is DEGRADED'
            cand --cert-warn 'A TLS certificate expiring sooner than this is DEGRADED [default: 14 days]'
            cand -X 'Request method [default: GET]'
            cand --method 'Request method [default: GET]'
            cand -H 'Extra request header ''Name: value'' (repeatable; never printed back)'
            cand --header 'Extra request header ''Name: value'' (repeatable; never printed back)'
            cand --cacert 'Also trust the CA certificates in this PEM file'
            cand --from 'Also probe from other places through Globalping: world, world:10, Germany:2,AS3320... (comma-separated, :N probes each, at most 50 in all)'
            cand --resolve 'Use these addresses for HOST and PORT instead of asking DNS, as curl does (repeatable; IPv6 in brackets)'
            cand --since 'With --history: how far back to look [default: 7d]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/isitdown/config.toml; env: ISITDOWN_CONFIG]'
            cand --generate 'Print a shell completion script or the man page'
            cand --complete-targets 'Print the targets that start with PREFIX, one a line (for completion scripts)'
            cand --no-from 'Do not probe from elsewhere, whatever `[defaults] from` says'
            cand --list 'Print the catalog of known services (with --json: one object per service)'
            cand --json 'JSON Lines on stdout, one object per probe (same as --format json)'
            cand --no-json 'Undo --json set in the config file'
            cand -q 'Print nothing: the exit code is the answer'
            cand --quiet 'Print nothing: the exit code is the answer'
            cand --no-quiet 'Undo --quiet set in the config file'
            cand --only-problems 'Show only targets that are not up (the count line still counts them all)'
            cand --no-only-problems 'Undo --only-problems set in the config file'
            cand -v 'Also print phase timings, the resolved address, redirects and response headers of note'
            cand --verbose 'Also print phase timings, the resolved address, redirects and response headers of note'
            cand --no-verbose 'Undo --verbose set in the config file'
            cand -w 'Probe until interrupted'
            cand --watch 'Probe until interrupted'
            cand --no-watch 'Undo --watch set in the config file'
            cand --on-change-initial 'Also run --on-change for each target''s first state'
            cand --no-on-change-initial 'Undo --on-change-initial set in the config file'
            cand -k 'Skip TLS certificate verification'
            cand --insecure 'Skip TLS certificate verification'
            cand --no-insecure 'Undo --insecure set in the config file'
            cand -4 'IPv4 only'
            cand --ipv4 'IPv4 only'
            cand --no-ipv4 'Undo --ipv4 set in the config file'
            cand -6 'IPv6 only'
            cand --ipv6 'IPv6 only'
            cand --no-ipv6 'Undo --ipv6 set in the config file'
            cand --no-status-page 'Do not read the provider''s status page'
            cand --status-page 'Undo --no-status-page set in the config file'
            cand --no-connectivity-check 'Do not check your own connection when a target fails'
            cand --connectivity-check 'Undo --no-connectivity-check set in the config file'
            cand --no-record 'Do not record this run''s probes in the history database'
            cand --record 'Undo --no-record set in the config file'
            cand --history 'Show what was seen here and what the status pages admitted over --since, for the targets given (none: every target recorded)'
            cand --no-history 'Undo --history set in the config file'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
