complete -c isitdown -s f -l file -d 'Also probe the targets in FILE (\'-\' reads stdin)' -r -F
complete -c isitdown -l format -d 'Output format' -r -f -a "human\t''
json\t''
nagios\t''
prometheus\t''"
complete -c isitdown -l output -d 'Write the prometheus or nagios report to FILE' -r -F
complete -c isitdown -l color -d 'When to use colours [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c isitdown -l expect -d 'Statuses that count as up, e.g. 200, 2xx, 200-299,301' -r
complete -c isitdown -l contains -d 'The body must contain TEXT' -r
complete -c isitdown -l slow -d 'An answer slower than this is DEGRADED' -r
complete -c isitdown -l cert-warn -d 'A certificate expiring sooner is DEGRADED [default: 14 days]' -r
complete -c isitdown -s n -l count -d 'Probes per target [default: 1]' -r
complete -c isitdown -s i -l interval -d 'Time between two probes of a target [default: 1s]' -r
complete -c isitdown -l until -d 'Repeat until every target is in this state' -r -f -a "up\t''
down\t''"
complete -c isitdown -l on-change -d 'Run CMD when a target changes state' -r
complete -c isitdown -l confirm -d 'A change counts for --on-change once N probes agree [default: 1]' -r
complete -c isitdown -l retries -d 'Re-probe a failed target up to N times [default: 0]' -r
complete -c isitdown -s t -l timeout -d 'Deadline for the whole check [default: 10s]' -r
complete -c isitdown -s X -l method -d 'Request method: GET or HEAD [default: GET]' -r -f -a "GET\t''
HEAD\t''"
complete -c isitdown -s H -l header -d 'Extra header \'Name: value\' (repeatable)' -r
complete -c isitdown -l cacert -d 'Also trust the CAs in this PEM file' -r -F
complete -c isitdown -l resolve -d 'Connect HOST:PORT to ADDR, as curl does' -r
complete -c isitdown -l from -d 'Also probe from elsewhere: world, Germany:2, near...' -r
complete -c isitdown -l since -d 'With --history: how far back to look [default: 7d]' -r
complete -c isitdown -l config -d 'Config file [default: ~/.config/isitdown/config.toml]' -r -F
complete -c isitdown -l generate -d 'Print a shell completion script or the man page' -r -f -a "bash\t''
zsh\t''
fish\t''
powershell\t''
elvish\t''
man\t''"
complete -c isitdown -l list -d 'Print the catalog of known services, or those matching @TAG or words'
complete -c isitdown -l json -d 'JSON Lines on stdout, one object per probe'
complete -c isitdown -s q -l quiet -d 'Print nothing: the exit code is the answer'
complete -c isitdown -l only-problems -d 'Show only targets that are not up'
complete -c isitdown -s v -l verbose -d 'Also print timings, addresses, redirects, TLS and headers'
complete -c isitdown -s w -l watch -d 'Probe until interrupted, in a live table'
complete -c isitdown -l on-change-initial -d 'Also run --on-change for each target\'s first state'
complete -c isitdown -s k -l insecure -d 'Skip TLS certificate verification'
complete -c isitdown -s 4 -l ipv4 -d 'IPv4 only'
complete -c isitdown -s 6 -l ipv6 -d 'IPv6 only'
complete -c isitdown -l no-status-page -d 'Do not read the provider\'s status page'
complete -c isitdown -l no-connectivity-check -d 'No check of your connection on failure'
complete -c isitdown -l no-record -d 'Do not record this run\'s probes in the history database'
complete -c isitdown -l history -d 'Show what was seen here and what the status pages admitted'
complete -c isitdown -s h -l help -d 'Print help (see more with \'--help\')'
complete -c isitdown -s V -l version -d 'Print version'

# Targets: catalog names and @tags, the services of your own config included.
function __isitdown_wants_target
    set -l previous (commandline -opc)[-1]
    not contains -- $previous -f --file --format --output --color --expect --contains --slow --cert-warn -n --count -i --interval --until --on-change --confirm --retries -t --timeout -X --method -H --header --cacert --resolve --from --since --config --generate --complete-targets
    and not string match -q -- '-*' (commandline -ct)
end
function __isitdown_targets
    command isitdown --complete-targets (commandline -ct) 2>/dev/null
    or printf '%s\n' 11labs 1password 1pw acme airtable akamai akamai-cloud anthropic apple apple-icloud asana atlas atlassian auth0 aws azure battle.net battlenet bitbucket bitwarden blizzard bluesky bnet bolt bolt.new box bsky c.ai cai calendly canva cargo character-ai characterai chatgpt circleci claude claude-code claudecode clerk clickup cloudflare codeium codex codex-cli cohere coinbase confluence copilot crates crates.io cursor datadog dd deepseek digitalocean discord disney disney+ disney-plus disneyplus do docker dockerhub docusign drive dropbox ea ea-app egs elastic elastic-cloud elasticsearch-cloud electronic-arts elevenlabs epic epicgames exchange facebook fastly fb figma firebase fireworks fireworks-ai fly fly.io flyio fortnite gcp gdrive gem gemini gh github gitlab gmail gmeet google google-cloud google-drive google-meet groq hashicorp hcp heroku hf hotmail hubspot huggingface icloud ig instagram intercom jira league league-of-legends lets-encrypt letsencrypt linear linkedin linode lol lovable lovable.dev m365 mailgun meet microsoft365 minecraft miro mistral monday monday.com mongodb mongodb-atlas msteams netflix netlify new-relic newrelic nintendo nintendo-switch notion npm nso oci office office365 okta onedrive onepassword openai openai-codex openrouter oracle oracle-cloud origin outlook outlook.com pagerduty paypal perplexity pinecone pinterest pip playstation proton proton-mail proton-vpn protonmail protonvpn ps4 ps5 psn pypi railway reddit render replicate riot riotgames robinhood roblox rubygems rubygems.org salesforce sendgrid sentry sfdc shopify signal slack snap snapchat snowflake sora spotify squarespace stability stability-ai stabilityai steam stripe supabase switch teams telegram terraform terraform-cloud tiktok together together-ai togetherai trello twilio twitch twitter typeform valorant vercel webflow whatsapp windsurf x xai xbl xbox xbox-live xboxlive youtube zapier zendesk zoom @ai @all @apple @atlassian @automation @cdn @cloud @commerce @communication @crm @database @design @dev @email @finance @gaming @google @meta @microsoft @monitoring @payments @productivity @registry @search @security @social @storage @streaming @website
end
complete -c isitdown -f -n __isitdown_wants_target -a '(__isitdown_targets)'
