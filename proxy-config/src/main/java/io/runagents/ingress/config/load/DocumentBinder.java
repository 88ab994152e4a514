package io.runagents.ingress.config.load;

import io.runagents.ingress.config.model.Agent;
import io.runagents.ingress.config.model.ConsentSettings;
import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.config.model.Policy;
import io.runagents.ingress.config.model.ProxySettings;
import io.runagents.ingress.config.model.Tool;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Collects the documents of one load: parses each file, hands each document to its kind's binder, and keeps
 * every resource with its positions for the cross-resource rules.
 */
final class DocumentBinder {
    final List<ConfigError> errors = new ArrayList<>();
    /** Kinds with a file that could not be read or parsed: their set of names is incomplete. */
    final Set<ResourceKind> unreadable = EnumSet.noneOf(ResourceKind.class);
    private final List<String> fileOrder = new ArrayList<>();
    private final List<Located<IdentityProvider>> providers = new ArrayList<>();
    private final List<Located<Agent>> agents = new ArrayList<>();
    private final List<Located<Tool>> tools = new ArrayList<>();
    private final List<Located<Policy>> policies = new ArrayList<>();
    /** proxy.yaml's positions, once it bound without errors; null when it is absent or empty. */
    private Located<ProxySettings> proxy;

    /** Binds {@code proxy.yaml}; null when it is invalid (reported). At most one non-empty document. */
    ProxySettings proxySettings(String file, String text) {
        fileOrder.add(file);
        YamlTreeReader.Result parsed = YamlTreeReader.read(file, text);
        if (parsed.syntaxError() != null) {
            errors.add(parsed.syntaxError());
            return null;
        }
        List<YamlNode> documents = parsed.documents();
        if (documents.isEmpty()) {
            return ProxySettings.DEFAULTS;
        }
        for (YamlNode extra : documents.subList(1, documents.size())) {
            errors.add(new ConfigError(file, extra.line(), extra.column(), "",
                    "proxy.yaml holds one document (expected: no '---' separated second document)"));
        }
        SourceDocument doc = new SourceDocument(file, errors, documents.get(0));
        if (!(documents.get(0) instanceof YamlNode.Mapping m)) {
            doc.error(documents.get(0), "", documents.get(0).describe() + " (expected: a mapping of settings)");
            return null;
        }
        ProxySettings settings = ProxySettingsBinder.bind(FieldReader.root(doc, m));
        proxy = doc.located(settings, null);
        return doc.hasErrors() ? null : settings;
    }

    /** An error about a whole file or folder (unreadable, or not read at all): at 1:1, in reading order. */
    void wholeFileError(String file, String message) {
        fileOrder.add(file);
        errors.add(new ConfigError(file, 1, 1, "", message));
    }

    /**
     * Reports each problem {@code check} finds with the files {@code settings} name at its field in
     * {@code file} (proxy.yaml): the field's own position when it is set, else the closest set parent, else the
     * document; line 0 when there is no document (the settings are all defaults).
     */
    void checkFiles(String file, ProxySettings settings, SettingFilesCheck check) {
        if (!fileOrder.contains(file)) {
            fileOrder.add(file);
        }
        for (SettingFilesCheck.Problem p : check.check(settings)) {
            errors.add(proxy != null ? proxy.error(p.field(), p.message())
                    : new ConfigError(file, 0, 0, p.field(), p.message()));
        }
    }

    /** Parses every document of one file of {@code kind}. */
    void addFile(ResourceKind kind, String file, String text) {
        fileOrder.add(file);
        YamlTreeReader.Result parsed = YamlTreeReader.read(file, text);
        if (parsed.syntaxError() != null) {
            errors.add(parsed.syntaxError());
            unreadable.add(kind);
            return;
        }
        for (YamlNode root : parsed.documents()) {
            switch (kind) {
                case IDENTITY_PROVIDERS -> providers.add(bind(file, root, IdentityProviderBinder::bind));
                case AGENTS -> agents.add(bind(file, root, AgentBinder::bind));
                case TOOLS -> tools.add(bind(file, root, ToolBinder::bind));
                case POLICIES -> policies.add(bind(file, root, PolicyBinder::bind));
            }
        }
    }

    /** The part every resource shares: {@code name} and {@code spec}; the binder reads the spec. */
    private <T> Located<T> bind(String file, YamlNode root, BiFunction<String, FieldReader, T> specBinder) {
        SourceDocument doc = new SourceDocument(file, errors, root);
        if (!(root instanceof YamlNode.Mapping m)) {
            doc.error(root, "", root.describe() + " (expected: a mapping with name and spec)");
            return doc.located(null, null);
        }
        FieldReader r = FieldReader.root(doc, m);
        String name = r.convert("name", r.requiredString("name"), Values::name);
        FieldReader spec = r.requiredMapping("spec");
        T value = null;
        if (spec != null) {
            try {
                value = specBinder.apply(name, spec);
            } catch (IllegalArgumentException e) {
                // The model's own checks are a backstop; a binder that lets one through still reports it here.
                doc.error(root, "spec", String.valueOf(e.getMessage()));
            }
        }
        r.checkUnknown("name", "spec");
        return doc.located(value, name);
    }

    /** @param consent proxy.yaml's consent settings, or null when proxy.yaml itself is invalid (not judged then) */
    void crossValidate(ConsentSettings consent) {
        ConfigValidator.validate(providers, agents, tools, policies, unreadable, errors);
        if (consent != null) {
            ConfigValidator.oauth2ToolsNeedCallback(tools, consent, errors);
        }
    }

    List<? extends Located<?>> located(ResourceKind kind) {
        return switch (kind) {
            case IDENTITY_PROVIDERS -> providers;
            case AGENTS -> agents;
            case TOOLS -> tools;
            case POLICIES -> policies;
        };
    }

    /** The valid resources, in file and document order. */
    Resources resources() {
        return new Resources(values(providers), values(agents), values(tools), values(policies));
    }

    List<ConfigError> sortedErrors() {
        return YamlConfigLoader.sortErrors(errors, fileOrder);
    }

    private static <T> List<T> values(List<Located<T>> located) {
        return located.stream().map(Located::value).filter(Objects::nonNull).toList();
    }
}
