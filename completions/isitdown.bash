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
            opts="-f -t -n -i -X -H -q -v -w -k -4 -6 -h -V --file --format --output --color --timeout --count --interval --until --on-change --retries --expect --contains --slow --cert-warn --method --header --cacert --from --no-from --resolve --since --config --list --generate --complete-targets --json --no-json --quiet --no-quiet --only-problems --no-only-problems --verbose --no-verbose --watch --no-watch --on-change-initial --no-on-change-initial --insecure --no-insecure --ipv4 --no-ipv4 --ipv6 --no-ipv6 --no-status-page --status-page --no-connectivity-check --connectivity-check --no-record --record --history --no-history --help --version"
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
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -t)
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
                --retries)
                    COMPREPLY=($(compgen -f "${cur}"))
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
                --from)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --resolve)
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
                --complete-targets)
                    COMPREPLY=($(compgen -f "${cur}"))
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
_isitdown_known_targets='11labs 1password 1pw airtable akamai amazon anthropic apple apple-icloud asana atlas atlassian auth0 aws azure bitbucket bitwarden box canva cargo chatgpt claude cloudflare codeium cohere confluence copilot crates crates.io cursor datadog dd deepseek digitalocean discord do docker dockerhub drive dropbox egs elevenlabs epic epicgames exchange facebook fastly fb figma firebase fireworks fireworks-ai fly fly.io flyio fortnite gcp gdrive gem gemini gh github gitlab gmail gmeet google google-cloud google-drive google-meet groq hashicorp hcp heroku hf hotmail huggingface icloud ig instagram jira linear m365 mailgun meet microsoft365 miro mistral monday monday.com mongodb mongodb-atlas msteams netflix netlify notion npm office office365 okta onepassword openai openrouter outlook outlook.com pagerduty paypal perplexity pip playstation ps4 ps5 psn pypi railway reddit render replicate roblox rubygems rubygems.org sendgrid sentry shopify slack spotify steam stripe supabase teams terraform terraform-cloud together together-ai togetherai trello twilio twitch twitter vercel whatsapp windsurf x xai xbl xbox xbox-live xboxlive youtube zapier zoom @ai @all @apple @atlassian @automation @cdn @cloud @commerce @communication @database @design @dev @email @gaming @google @meta @microsoft @monitoring @payments @productivity @registry @search @security @social @storage @streaming'
_isitdown_options_taking_values=' -f --file --format --output --color -t --timeout -n --count -i --interval --until --on-change --retries --expect --contains --slow --cert-warn -X --method -H --header --cacert --from --resolve --since --config --generate --complete-targets '
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
