// `keyward completion bash|zsh|fish`: prints a shell completion script.
//
// CLI11 generates none, so the scripts are small templates filled with the
// subcommands and options read from the parser itself at run time: a new
// option shows up in completion without anyone editing a list. They complete
// subcommands and option names; paths fall back to the shell's own file
// completion.
#include <iostream>
#include <sstream>

#include "cli/commands.h"

namespace keyward::cli {
namespace {

// Every long and short option name of `app`, "--help" included, space
// separated ("--format -f --output -o ...").
std::string OptionWords(const CLI::App* app) {
  std::string out;
  for (const CLI::Option* opt : app->get_options()) {
    if (opt->get_positional()) continue;
    for (const std::string& l : opt->get_lnames()) out += " --" + l;
    for (const std::string& s : opt->get_snames()) out += " -" + s;
  }
  return out.empty() ? out : out.substr(1);
}

std::string SubcommandWords(const CLI::App* app) {
  std::string out;
  for (const CLI::App* sub : app->get_subcommands({})) {
    out += (out.empty() ? "" : " ") + sub->get_name();
  }
  return out;
}

// A bash case arm: `    "pattern") subs="..." opts="..." ;;`.
void Arm(std::ostream& o, const std::string& pattern, const std::string& subs,
         const std::string& opts) {
  o << "    " << pattern << ") subs=\"" << subs << "\" opts=\"" << opts
    << "\" ;;\n";
}

// What a command takes besides options and paths: its subcommands, or the
// shell names for `completion`.
std::string WordsFor(const CLI::App* cmd) {
  if (cmd->get_name() == "completion") return "bash zsh fish";
  return SubcommandWords(cmd);
}

std::string BashScript(const CLI::App& app) {
  std::ostringstream o;
  o << R"(# bash completion for keyward (keyward completion bash).
# Load it with: source <(keyward completion bash)
# or save it as /usr/share/bash-completion/completions/keyward.
# Completes subcommands and options; other words fall back to file names.
_keyward() {
  local cur="${COMP_WORDS[COMP_CWORD]}" cmd="" sub="" subs="" opts="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${COMP_WORDS[i]}" in
      -*) ;;
      *) if [[ -z $cmd ]]; then cmd="${COMP_WORDS[i]}"
         elif [[ -z $sub ]]; then sub="${COMP_WORDS[i]}"; fi ;;
    esac
  done
  case "$cmd $sub" in
)";
  Arm(o, "\" \"", SubcommandWords(&app), OptionWords(&app));
  for (const CLI::App* cmd : app.get_subcommands({})) {
    const std::string& name = cmd->get_name();
    for (const CLI::App* sub : cmd->get_subcommands({})) {
      Arm(o, "\"" + name + " " + sub->get_name() + "\"", "", OptionWords(sub));
    }
    // Once a word follows a command without subcommands it is a path.
    std::string words = WordsFor(cmd);
    if (!words.empty()) Arm(o, "\"" + name + " \"", words, OptionWords(cmd));
    Arm(o, "\"" + name + " \"*", "", OptionWords(cmd));
  }
  o << R"(  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  fi
}
complete -o default -F _keyward keyward
)";
  return o.str();
}

std::string ZshScript(const CLI::App& app) {
  // zsh runs the bash function through its bash completion layer: one set
  // of rules, the same answers in both shells.
  return "#compdef keyward\n"
         "# zsh completion for keyward (keyward completion zsh).\n"
         "# Load it with: source <(keyward completion zsh)\n"
         "autoload -U +X bashcompinit && bashcompinit\n" +
         BashScript(app);
}

std::string FishOptions(const CLI::App* app, const std::string& condition) {
  std::string out;
  for (const CLI::Option* opt : app->get_options()) {
    if (opt->get_positional()) continue;
    std::string line = "complete -c keyward -n '" + condition + "'";
    for (const std::string& l : opt->get_lnames()) line += " -l " + l;
    for (const std::string& s : opt->get_snames()) line += " -s " + s;
    if (opt->get_items_expected_min() > 0) line += " -r";  // takes a value
    out += line + "\n";
  }
  return out;
}

std::string FishScript(const CLI::App& app) {
  std::string top = SubcommandWords(&app);
  std::string o =
      "# fish completion for keyward (keyward completion fish).\n"
      "# Load it with: keyward completion fish | source\n"
      "# or save it as ~/.config/fish/completions/keyward.fish.\n"
      "complete -c keyward -n '__fish_use_subcommand' -f -a '" +
      top + "'\n" + FishOptions(&app, "__fish_use_subcommand");
  for (const CLI::App* cmd : app.get_subcommands({})) {
    std::string in_cmd = "__fish_seen_subcommand_from " + cmd->get_name();
    std::string subs = WordsFor(cmd);
    if (!subs.empty()) {
      o += "complete -c keyward -n '" + in_cmd +
           "; and not __fish_seen_subcommand_from " + subs + "' -f -a '" +
           subs + "'\n";
    }
    o += FishOptions(cmd, in_cmd);
    for (const CLI::App* sub : cmd->get_subcommands({})) {
      o += FishOptions(
          sub, in_cmd + "; and __fish_seen_subcommand_from " + sub->get_name());
    }
  }
  return o;
}

}  // namespace

void RegisterCompletion(CLI::App& app, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "completion", "Print a shell completion script (bash, zsh or fish)");
  cmd->add_option("shell", *shell, "bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  cmd->footer(
      "Examples:\n"
      "  source <(keyward completion bash)     this bash session\n"
      "  keyward completion bash > /usr/share/bash-completion/completions/"
      "keyward\n"
      "  source <(keyward completion zsh)\n"
      "  keyward completion fish > ~/.config/fish/completions/keyward.fish");
  cmd->callback([&app, shell, &ctx] {
    if (*shell == "bash") {
      std::cout << BashScript(app);
    } else if (*shell == "zsh") {
      std::cout << ZshScript(app);
    } else {
      std::cout << FishScript(app);
    }
    ctx.exit_code = 0;
  });
}

}  // namespace keyward::cli
