namespace ProxyCluster.Protocol.Errors;

/// <summary>The SQLSTATE codes the proxy itself raises (PostgreSQL Appendix A), named as Postgres names them.</summary>
public static class SqlState
{
    public const string ConnectionFailure = "08006";
    public const string ProtocolViolation = "08P01";
    public const string SqlClientUnableToEstablishSqlConnection = "08001";
    public const string InvalidAuthorizationSpecification = "28000";
    public const string InvalidPassword = "28P01";
    public const string InvalidCatalogName = "3D000";
    public const string InsufficientPrivilege = "42501";
    public const string FeatureNotSupported = "0A000";
    public const string TooManyConnections = "53300";
    public const string AdminShutdown = "57P01";
    public const string QueryCanceled = "57014";
    public const string InternalError = "XX000";
    public const string CharacterNotInRepertoire = "22021";
    public const string ProgramLimitExceeded = "54000";
    public const string StatementTooComplex = "54001";
    public const string SyntaxError = "42601";
    public const string InvalidParameterValue = "22023";
    public const string CantChangeRuntimeParam = "55P02";
}
