using System.Text;

namespace ProxyCluster.Protocol.Tests.Scram;

/// <summary>The SCRAM-SHA-256 example exchange of RFC 7677 section 3.</summary>
internal static class Rfc7677
{
    public const string Password = "pencil";
    public const string UserName = "user";
    public const string ClientNonce = "rOprNGfwEbeRWgbNEkqO";
    public const string ServerNonceSuffix = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    public const string Salt = "W22ZaJ0SNY7soEsUEjb6gQ==";
    public const int Iterations = 4096;
    public const string ClientProof = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    public const string ServerSignature = "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    public const string ClientFirst = "n,,n=" + UserName + ",r=" + ClientNonce;
    public const string ServerFirst = "r=" + ClientNonce + ServerNonceSuffix + ",s=" + Salt + ",i=4096";
    public const string ClientFinalWithoutProof = "c=biws,r=" + ClientNonce + ServerNonceSuffix;
    public const string ClientFinal = ClientFinalWithoutProof + ",p=" + ClientProof;
    public const string ServerFinal = "v=" + ServerSignature;

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static string Text(byte[] bytes) => Encoding.ASCII.GetString(bytes);
}
