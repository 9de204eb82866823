namespace ProxyCluster.Policy.Evaluation;

/// <summary>The policy for startup-packet parameters (see <see cref="SqlPolicy.CheckStartupParameter"/>).</summary>
internal static class StartupParameters
{
    public static StartupParameterDecision Check(SqlPolicy policy, string name, string value)
    {
        var key = name.ToLowerInvariant();
        switch (key)
        {
            case "user":
            case "database":
                return StartupParameterDecision.Forward;
            case "options":
                return StartupParameterDecision.Refuse(
                    "the startup parameter \"options\" is not allowed through the proxy: set harmless settings as their own startup parameters or with SET");
            case "replication":
                return StartupParameterDecision.Refuse("replication connections are not allowed through the proxy");
            case "client_encoding":
                var encoding = value.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).Trim().Trim('\'');
                return encoding.Equals("utf8", StringComparison.OrdinalIgnoreCase) || encoding.Equals("unicode", StringComparison.OrdinalIgnoreCase)
                    ? StartupParameterDecision.Forward
                    : StartupParameterDecision.Refuse("the proxy reads queries as UTF-8: client_encoding must be UTF8");
            case "standard_conforming_strings":
                return value.Trim().Equals("on", StringComparison.OrdinalIgnoreCase)
                    ? StartupParameterDecision.Forward
                    : StartupParameterDecision.Refuse("the proxy reads queries with standard_conforming_strings on: it cannot be turned off");
            default:
                break;
        }

        if (key.StartsWith("_pq_.", StringComparison.Ordinal))
        {
            return StartupParameterDecision.Refuse($"protocol option \"{name}\" is not supported");
        }

        if (policy.IsUnrestricted)
        {
            return StartupParameterDecision.Forward;
        }

        if (SafeSettings.Pinned.Contains(key))
        {
            return StartupParameterDecision.Refuse($"the startup parameter \"{name}\" is not allowed: the route pins it");
        }

        // A setting in the startup packet is allowed exactly when SET of it would be.
        var denial = new StatementChecker(policy).CheckStartupSetting(key);
        return denial is null
            ? StartupParameterDecision.Forward
            : StartupParameterDecision.Refuse($"the startup parameter \"{name}\" is not allowed: {denial.Reason}");
    }
}
