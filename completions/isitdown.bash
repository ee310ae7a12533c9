_isitdown() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="isitdown"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        isitdown)
            opts="-f -n -i -t -X -H -q -v -w -k -4 -6 -h -V --file --list --format --output --color --expect --contains --slow --cert-warn --count --interval --until --on-change --confirm --retries --timeout --method --header --cacert --resolve --from --since --config --generate --json --quiet --only-problems --verbose --watch --on-change-initial --insecure --ipv4 --ipv6 --no-status-page --no-connectivity-check --no-record --history --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -f)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "human json nagios prometheus" -- "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --expect)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --contains)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --slow)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cert-warn)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --count)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -i)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -W "up down" -- "${cur}"))
                    return 0
                    ;;
                --on-change)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --confirm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --retries)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -t)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --method)
                    COMPREPLY=($(compgen -W "GET HEAD" -- "${cur}"))
                    return 0
                    ;;
                -X)
                    COMPREPLY=($(compgen -W "GET HEAD" -- "${cur}"))
                    return 0
                    ;;
                --header)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --resolve)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --from)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --generate)
                    COMPREPLY=($(compgen -W "bash zsh fish powershell elvish man" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _isitdown -o nosort -o bashdefault -o default isitdown
else
    complete -F _isitdown -o bashdefault -o default isitdown
fi

# Targets: catalog names and @tags. isitdown itself is asked first, so that the services of
# your own config are offered too; the names below answer when it cannot be.
_isitdown_known_targets='11labs 1password 1pw acme airtable akamai akamai-cloud anthropic apple apple-icloud asana atlas atlassian auth0 aws azure battle.net battlenet bitbucket bitwarden blizzard bluesky bnet bolt bolt.new box bsky c.ai cai calendly canva cargo character-ai characterai chatgpt circleci claude claude-code claudecode clerk clickup cloudflare codeium codex codex-cli cohere coinbase confluence copilot crates crates.io cursor datadog dd deepseek digitalocean discord disney disney+ disney-plus disneyplus do docker dockerhub docusign drive dropbox ea ea-app egs elastic elastic-cloud elasticsearch-cloud electronic-arts elevenlabs epic epicgames exchange facebook fastly fb figma firebase fireworks fireworks-ai fly fly.io flyio fortnite gcp gdrive gem gemini gh github gitlab gmail gmeet google google-cloud google-drive google-meet groq hashicorp hcp heroku hf hotmail hubspot huggingface icloud ig instagram intercom jira league league-of-legends lets-encrypt letsencrypt linear linkedin linode lol lovable lovable.dev m365 mailgun meet microsoft365 minecraft miro mistral monday monday.com mongodb mongodb-atlas msteams netflix netlify new-relic newrelic nintendo nintendo-switch notion npm nso oci office office365 okta onedrive onepassword openai openai-codex openrouter oracle oracle-cloud origin outlook outlook.com pagerduty paypal perplexity pinecone pinterest pip playstation proton proton-mail proton-vpn protonmail protonvpn ps4 ps5 psn pypi railway reddit render replicate riot riotgames robinhood roblox rubygems rubygems.org salesforce sendgrid sentry sfdc shopify signal slack snap snapchat snowflake sora spotify squarespace stability stability-ai stabilityai steam stripe supabase switch teams telegram terraform terraform-cloud tiktok together together-ai togetherai trello twilio twitch twitter typeform valorant vercel webflow whatsapp windsurf x xai xbl xbox xbox-live xboxlive youtube zapier zendesk zoom @ai @all @apple @atlassian @automation @cdn @cloud @commerce @communication @crm @database @design @dev @email @finance @gaming @google @meta @microsoft @monitoring @payments @productivity @registry @search @security @social @storage @streaming @website'
_isitdown_options_taking_values=' -f --file --format --output --color --expect --contains --slow --cert-warn -n --count -i --interval --until --on-change --confirm --retries -t --timeout -X --method -H --header --cacert --resolve --from --since --config --generate --complete-targets '
eval "$(declare -f _isitdown | sed '1s/^_isitdown /_isitdown_options /')"
_isitdown() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev=""
    (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
    local word="$cur"
    if [[ -n "${COMP_LINE-}" ]]; then
        word="${COMP_LINE:0:COMP_POINT}"
        word="${word##*[[:space:]]}"
    fi
    if [[ "$word" == -* ]] || [[ "$word" == "$cur" && "$_isitdown_options_taking_values" == *" $prev "* ]]; then
        _isitdown_options "${1:-${COMP_WORDS[0]}}" "$cur" "$prev"
        return
    fi
    local targets
    targets="$(command isitdown --complete-targets "$word" 2>/dev/null)" || targets="$_isitdown_known_targets"
    COMPREPLY=( $(compgen -W "$targets" -- "$word") )
    if [[ "$word" != "$cur" ]]; then
        local split="${word%"$cur"}"
        COMPREPLY=( "${COMPREPLY[@]#"$split"}" )
    fi
}
