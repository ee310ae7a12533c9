
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
            cand -f 'Also probe the targets in FILE (''-'' reads stdin)'
            cand --file 'Also probe the targets in FILE (''-'' reads stdin)'
            cand --format 'Output format'
            cand --output 'Write the prometheus or nagios report to FILE'
            cand --color 'When to use colours [default: auto]'
            cand --expect 'Statuses that count as up, e.g. 200, 2xx, 200-299,301'
            cand --contains 'The body must contain TEXT'
            cand --slow 'An answer slower than this is DEGRADED'
            cand --cert-warn 'A certificate expiring sooner is DEGRADED [default: 14 days]'
            cand -n 'Probes per target [default: 1]'
            cand --count 'Probes per target [default: 1]'
            cand -i 'Time between two probes of a target [default: 1s]'
            cand --interval 'Time between two probes of a target [default: 1s]'
            cand --until 'Repeat until every target is in this state'
            cand --on-change 'Run CMD when a target changes state'
            cand --confirm 'A change counts for --on-change once N probes agree [default: 1]'
            cand --retries 'Re-probe a failed target up to N times [default: 0]'
            cand -t 'Deadline for the whole check [default: 10s]'
            cand --timeout 'Deadline for the whole check [default: 10s]'
            cand -X 'Request method: GET or HEAD [default: GET]'
            cand --method 'Request method: GET or HEAD [default: GET]'
            cand -H 'Extra header ''Name: value'' (repeatable)'
            cand --header 'Extra header ''Name: value'' (repeatable)'
            cand --cacert 'Also trust the CAs in this PEM file'
            cand --resolve 'Connect HOST:PORT to ADDR, as curl does'
            cand --from 'Also probe from elsewhere: world, Germany:2, near...'
            cand --since 'With --history: how far back to look [default: 7d]'
            cand --config 'Config file [default: ~/.config/isitdown/config.toml]'
            cand --generate 'Print a shell completion script or the man page'
            cand --list 'Print the catalog of known services, or those matching @TAG or words'
            cand --json 'JSON Lines on stdout, one object per probe'
            cand -q 'Print nothing: the exit code is the answer'
            cand --quiet 'Print nothing: the exit code is the answer'
            cand --only-problems 'Show only targets that are not up'
            cand -v 'Also print timings, addresses, redirects, TLS and headers'
            cand --verbose 'Also print timings, addresses, redirects, TLS and headers'
            cand -w 'Probe until interrupted, in a live table'
            cand --watch 'Probe until interrupted, in a live table'
            cand --on-change-initial 'Also run --on-change for each target''s first state'
            cand -k 'Skip TLS certificate verification'
            cand --insecure 'Skip TLS certificate verification'
            cand -4 'IPv4 only'
            cand --ipv4 'IPv4 only'
            cand -6 'IPv6 only'
            cand --ipv6 'IPv6 only'
            cand --no-status-page 'Do not read the provider''s status page'
            cand --no-connectivity-check 'No check of your connection on failure'
            cand --no-record 'Do not record this run''s probes in the history database'
            cand --history 'Show what was seen here and what the status pages admitted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
