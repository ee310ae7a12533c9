complete -c isitdown -s f -l file -d 'Also probe the targets in FILE, one per line (\'#\' starts a comment; \'-\' reads stdin)' -r -F
complete -c isitdown -l format -d 'Output format' -r -f -a "human\t''
json\t''
nagios\t''
prometheus\t''"
complete -c isitdown -l output -d 'Write the prometheus or nagios report to FILE instead of stdout, replaced whole (through a temporary file in the same folder) after each round of a repeated run' -r -F
complete -c isitdown -l color -d 'When to use colours [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c isitdown -s t -l timeout -d 'Deadline for one whole probe, redirects and body included [default: 10s]' -r
complete -c isitdown -s n -l count -d 'Probes per target [default: 1]' -r
complete -c isitdown -s i -l interval -d 'Time between the starts of two probes of a target [default: 1s]' -r
complete -c isitdown -l until -d 'Repeat until every target is in this state (bounded by --count when given)' -r -f -a "up\t''
down\t''"
complete -c isitdown -l on-change -d 'In repeated runs, run CMD with `sh -c` on every state change of a target (ISITDOWN_* variables say which), one at a time per target, killed after --timeout' -r
complete -c isitdown -l retries -d 'Re-probe a failed target up to N times before calling it down [default: 0]' -r
complete -c isitdown -l expect -d 'Statuses that count as up, e.g. 200, 2xx, 200-299,301' -r
complete -c isitdown -l contains -d 'The body must contain TEXT (at most 1 MiB is read)' -r
complete -c isitdown -l slow -d 'An answer slower than this is DEGRADED' -r
complete -c isitdown -l cert-warn -d 'A TLS certificate expiring sooner than this is DEGRADED [default: 14 days]' -r
complete -c isitdown -s X -l method -d 'Request method [default: GET]' -r -f -a "GET\t''
HEAD\t''"
complete -c isitdown -s H -l header -d 'Extra request header \'Name: value\' (repeatable; never printed back)' -r
complete -c isitdown -l cacert -d 'Also trust the CA certificates in this PEM file' -r -F
complete -c isitdown -l from -d 'Also probe from other places through Globalping: world, world:10, Germany:2,AS3320... (comma-separated, :N probes each, at most 50 in all)' -r
complete -c isitdown -l resolve -d 'Use these addresses for HOST and PORT instead of asking DNS, as curl does (repeatable; IPv6 in brackets)' -r
complete -c isitdown -l since -d 'With --history: how far back to look [default: 7d]' -r
complete -c isitdown -l config -d 'Config file [default: $XDG_CONFIG_HOME/isitdown/config.toml; env: ISITDOWN_CONFIG]' -r -F
complete -c isitdown -l generate -d 'Print a shell completion script or the man page' -r -f -a "bash\t''
zsh\t''
fish\t''
powershell\t''
elvish\t''
man\t''"
complete -c isitdown -l complete-targets -d 'Print the targets that start with PREFIX, one a line (for completion scripts)' -r
complete -c isitdown -l no-from -d 'Do not probe from elsewhere, whatever `[defaults] from` says'
complete -c isitdown -l list -d 'Print the catalog of known services (with --json: one object per service)'
complete -c isitdown -l json -d 'JSON Lines on stdout, one object per probe (same as --format json)'
complete -c isitdown -l no-json -d 'Undo --json set in the config file'
complete -c isitdown -s q -l quiet -d 'Print nothing: the exit code is the answer'
complete -c isitdown -l no-quiet -d 'Undo --quiet set in the config file'
complete -c isitdown -l only-problems -d 'Show only targets that are not up (the count line still counts them all)'
complete -c isitdown -l no-only-problems -d 'Undo --only-problems set in the config file'
complete -c isitdown -s v -l verbose -d 'Also print phase timings, the resolved address, redirects and response headers of note'
complete -c isitdown -l no-verbose -d 'Undo --verbose set in the config file'
complete -c isitdown -s w -l watch -d 'Probe until interrupted'
complete -c isitdown -l no-watch -d 'Undo --watch set in the config file'
complete -c isitdown -l on-change-initial -d 'Also run --on-change for each target\'s first state'
complete -c isitdown -l no-on-change-initial -d 'Undo --on-change-initial set in the config file'
complete -c isitdown -s k -l insecure -d 'Skip TLS certificate verification'
complete -c isitdown -l no-insecure -d 'Undo --insecure set in the config file'
complete -c isitdown -s 4 -l ipv4 -d 'IPv4 only'
complete -c isitdown -l no-ipv4 -d 'Undo --ipv4 set in the config file'
complete -c isitdown -s 6 -l ipv6 -d 'IPv6 only'
complete -c isitdown -l no-ipv6 -d 'Undo --ipv6 set in the config file'
complete -c isitdown -l no-status-page -d 'Do not read the provider\'s status page'
complete -c isitdown -l status-page -d 'Undo --no-status-page set in the config file'
complete -c isitdown -l no-connectivity-check -d 'Do not check your own connection when a target fails'
complete -c isitdown -l connectivity-check -d 'Undo --no-connectivity-check set in the config file'
complete -c isitdown -l no-record -d 'Do not record this run\'s probes in the history database'
complete -c isitdown -l record -d 'Undo --no-record set in the config file'
complete -c isitdown -l history -d 'Show what was seen here and what the status pages admitted over --since, for the targets given (none: every target recorded)'
complete -c isitdown -l no-history -d 'Undo --history set in the config file'
complete -c isitdown -s h -l help -d 'Print help (see more with \'--help\')'
complete -c isitdown -s V -l version -d 'Print version'

# Targets: catalog names and @tags, the services of your own config included.
function __isitdown_wants_target
    set -l previous (commandline -opc)[-1]
    not contains -- $previous -f --file --format --output --color -t --timeout -n --count -i --interval --until --on-change --retries --expect --contains --slow --cert-warn -X --method -H --header --cacert --from --resolve --since --config --generate --complete-targets
    and not string match -q -- '-*' (commandline -ct)
end
function __isitdown_targets
    command isitdown --complete-targets (commandline -ct) 2>/dev/null
    or printf '%s\n' 11labs 1password 1pw airtable akamai amazon anthropic apple apple-icloud asana atlas atlassian auth0 aws azure bitbucket bitwarden box canva cargo chatgpt claude cloudflare codeium cohere confluence copilot crates crates.io cursor datadog dd deepseek digitalocean discord do docker dockerhub drive dropbox egs elevenlabs epic epicgames exchange facebook fastly fb figma firebase fireworks fireworks-ai fly fly.io flyio fortnite gcp gdrive gem gemini gh github gitlab gmail gmeet google google-cloud google-drive google-meet groq hashicorp hcp heroku hf hotmail huggingface icloud ig instagram jira linear m365 mailgun meet microsoft365 miro mistral monday monday.com mongodb mongodb-atlas msteams netflix netlify notion npm office office365 okta onepassword openai openrouter outlook outlook.com pagerduty paypal perplexity pip playstation ps4 ps5 psn pypi railway reddit render replicate roblox rubygems rubygems.org sendgrid sentry shopify slack spotify steam stripe supabase teams terraform terraform-cloud together together-ai togetherai trello twilio twitch twitter vercel whatsapp windsurf x xai xbl xbox xbox-live xboxlive youtube zapier zoom @ai @all @apple @atlassian @automation @cdn @cloud @commerce @communication @database @design @dev @email @gaming @google @meta @microsoft @monitoring @payments @productivity @registry @search @security @social @storage @streaming
end
complete -c isitdown -f -n __isitdown_wants_target -a '(__isitdown_targets)'
