
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'isitdown' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'isitdown'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'isitdown' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Also probe the targets in FILE, one per line (''#'' starts a comment; ''-'' reads stdin)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Also probe the targets in FILE, one per line (''#'' starts a comment; ''-'' reads stdin)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the prometheus or nagios report to FILE instead of stdout, replaced whole (through a temporary file in the same folder) after each round of a repeated run')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: auto]')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Deadline for one whole probe, redirects and body included [default: 10s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline for one whole probe, redirects and body included [default: 10s]')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Probes per target [default: 1]')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Probes per target [default: 1]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Time between the starts of two probes of a target [default: 1s]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between the starts of two probes of a target [default: 1s]')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Repeat until every target is in this state (bounded by --count when given)')
            [CompletionResult]::new('--on-change', '--on-change', [CompletionResultType]::ParameterName, 'In repeated runs, run CMD with `sh -c` on every state change of a target (ISITDOWN_* variables say which), one at a time per target, killed after --timeout')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Re-probe a failed target up to N times before calling it down [default: 0]')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Statuses that count as up, e.g. 200, 2xx, 200-299,301')
            [CompletionResult]::new('--contains', '--contains', [CompletionResultType]::ParameterName, 'The body must contain TEXT (at most 1 MiB is read)')
            [CompletionResult]::new('--slow', '--slow', [CompletionResultType]::ParameterName, 'An answer slower than this is DEGRADED')
            [CompletionResult]::new('--cert-warn', '--cert-warn', [CompletionResultType]::ParameterName, 'A TLS certificate expiring sooner than this is DEGRADED [default: 14 days]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Request method [default: GET]')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Request method [default: GET]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header ''Name: value'' (repeatable; never printed back)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header ''Name: value'' (repeatable; never printed back)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the CA certificates in this PEM file')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Also probe from other places through Globalping: world, world:10, Germany:2,AS3320... (comma-separated, :N probes each, at most 50 in all)')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Use these addresses for HOST and PORT instead of asking DNS, as curl does (repeatable; IPv6 in brackets)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'With --history: how far back to look [default: 7d]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/isitdown/config.toml; env: ISITDOWN_CONFIG]')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Print a shell completion script or the man page')
            [CompletionResult]::new('--complete-targets', '--complete-targets', [CompletionResultType]::ParameterName, 'Print the targets that start with PREFIX, one a line (for completion scripts)')
            [CompletionResult]::new('--no-from', '--no-from', [CompletionResultType]::ParameterName, 'Do not probe from elsewhere, whatever `[defaults] from` says')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'Print the catalog of known services (with --json: one object per service)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON Lines on stdout, one object per probe (same as --format json)')
            [CompletionResult]::new('--no-json', '--no-json', [CompletionResultType]::ParameterName, 'Undo --json set in the config file')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing: the exit code is the answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing: the exit code is the answer')
            [CompletionResult]::new('--no-quiet', '--no-quiet', [CompletionResultType]::ParameterName, 'Undo --quiet set in the config file')
            [CompletionResult]::new('--only-problems', '--only-problems', [CompletionResultType]::ParameterName, 'Show only targets that are not up (the count line still counts them all)')
            [CompletionResult]::new('--no-only-problems', '--no-only-problems', [CompletionResultType]::ParameterName, 'Undo --only-problems set in the config file')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print phase timings, the resolved address, redirects and response headers of note')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print phase timings, the resolved address, redirects and response headers of note')
            [CompletionResult]::new('--no-verbose', '--no-verbose', [CompletionResultType]::ParameterName, 'Undo --verbose set in the config file')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Probe until interrupted')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Probe until interrupted')
            [CompletionResult]::new('--no-watch', '--no-watch', [CompletionResultType]::ParameterName, 'Undo --watch set in the config file')
            [CompletionResult]::new('--on-change-initial', '--on-change-initial', [CompletionResultType]::ParameterName, 'Also run --on-change for each target''s first state')
            [CompletionResult]::new('--no-on-change-initial', '--no-on-change-initial', [CompletionResultType]::ParameterName, 'Undo --on-change-initial set in the config file')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification')
            [CompletionResult]::new('--no-insecure', '--no-insecure', [CompletionResultType]::ParameterName, 'Undo --insecure set in the config file')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('--no-ipv4', '--no-ipv4', [CompletionResultType]::ParameterName, 'Undo --ipv4 set in the config file')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('--no-ipv6', '--no-ipv6', [CompletionResultType]::ParameterName, 'Undo --ipv6 set in the config file')
            [CompletionResult]::new('--no-status-page', '--no-status-page', [CompletionResultType]::ParameterName, 'Do not read the provider''s status page')
            [CompletionResult]::new('--status-page', '--status-page', [CompletionResultType]::ParameterName, 'Undo --no-status-page set in the config file')
            [CompletionResult]::new('--no-connectivity-check', '--no-connectivity-check', [CompletionResultType]::ParameterName, 'Do not check your own connection when a target fails')
            [CompletionResult]::new('--connectivity-check', '--connectivity-check', [CompletionResultType]::ParameterName, 'Undo --no-connectivity-check set in the config file')
            [CompletionResult]::new('--no-record', '--no-record', [CompletionResultType]::ParameterName, 'Do not record this run''s probes in the history database')
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'Undo --no-record set in the config file')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'Show what was seen here and what the status pages admitted over --since, for the targets given (none: every target recorded)')
            [CompletionResult]::new('--no-history', '--no-history', [CompletionResultType]::ParameterName, 'Undo --history set in the config file')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
