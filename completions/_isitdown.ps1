
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
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Also probe the targets in FILE (''-'' reads stdin)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Also probe the targets in FILE (''-'' reads stdin)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the prometheus or nagios report to FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours [default: auto]')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Statuses that count as up, e.g. 200, 2xx, 200-299,301')
            [CompletionResult]::new('--contains', '--contains', [CompletionResultType]::ParameterName, 'The body must contain TEXT')
            [CompletionResult]::new('--slow', '--slow', [CompletionResultType]::ParameterName, 'An answer slower than this is DEGRADED')
            [CompletionResult]::new('--cert-warn', '--cert-warn', [CompletionResultType]::ParameterName, 'A certificate expiring sooner is DEGRADED [default: 14 days]')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Probes per target [default: 1]')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Probes per target [default: 1]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Time between two probes of a target [default: 1s]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two probes of a target [default: 1s]')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Repeat until every target is in this state')
            [CompletionResult]::new('--on-change', '--on-change', [CompletionResultType]::ParameterName, 'Run CMD when a target changes state')
            [CompletionResult]::new('--confirm', '--confirm', [CompletionResultType]::ParameterName, 'A change counts for --on-change once N probes agree [default: 1]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Re-probe a failed target up to N times [default: 0]')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Deadline for the whole check [default: 10s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Deadline for the whole check [default: 10s]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Request method: GET or HEAD [default: GET]')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Request method: GET or HEAD [default: GET]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Also trust the CAs in this PEM file')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect HOST:PORT to ADDR, as curl does')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Also probe from elsewhere: world, Germany:2, near...')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'With --history: how far back to look [default: 7d]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: ~/.config/isitdown/config.toml]')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Print a shell completion script or the man page')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'Print the catalog of known services, or those matching @TAG or words')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON Lines on stdout, one object per probe')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing: the exit code is the answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing: the exit code is the answer')
            [CompletionResult]::new('--only-problems', '--only-problems', [CompletionResultType]::ParameterName, 'Show only targets that are not up')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print timings, addresses, redirects, TLS and headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print timings, addresses, redirects, TLS and headers')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Probe until interrupted, in a live table')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Probe until interrupted, in a live table')
            [CompletionResult]::new('--on-change-initial', '--on-change-initial', [CompletionResultType]::ParameterName, 'Also run --on-change for each target''s first state')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('--no-status-page', '--no-status-page', [CompletionResultType]::ParameterName, 'Do not read the provider''s status page')
            [CompletionResult]::new('--no-connectivity-check', '--no-connectivity-check', [CompletionResultType]::ParameterName, 'No check of your connection on failure')
            [CompletionResult]::new('--no-record', '--no-record', [CompletionResultType]::ParameterName, 'Do not record this run''s probes in the history database')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'Show what was seen here and what the status pages admitted')
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
