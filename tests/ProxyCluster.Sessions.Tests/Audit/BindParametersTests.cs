using ProxyCluster.Audit;
using ProxyCluster.Sessions.Audit;

namespace ProxyCluster.Sessions.Tests.Audit;

public sealed class BindParametersTests
{
    [Fact]
    public void Read_GoldenBind_TextBinaryAndNull()
    {
        // Bind "" to "s1": formats [text, binary, text]; values "42", 0x00ff, NULL; no result formats.
        byte[] bind =
        [
            (byte)'B', 0, 0, 0, 0x24,
            0, (byte)'s', (byte)'1', 0,
            0, 3, 0, 0, 0, 1, 0, 0,
            0, 3,
            0, 0, 0, 2, (byte)'4', (byte)'2',
            0, 0, 0, 2, 0x00, 0xff,
            0xff, 0xff, 0xff, 0xff,
            0, 0,
        ];
        Assert.Equal(BindMessages.Bind("", "s1", [0, 1, 0], BindMessages.Text("42"), [0x00, 0xff], null), bind);

        var parameters = BindParameters.Read(AfterNames(bind, "", "s1"), isWhole: true)!;

        Assert.Equal([new AuditParameter("42"), new AuditParameter("00ff", Binary: true), AuditParameter.Null], parameters);
    }

    [Fact]
    public void Read_OneFormatCode_AppliesToEveryValue()
    {
        var bind = BindMessages.Bind("", "", [1], [0x01], [0x02, 0x03]);

        Assert.Equal([new AuditParameter("01", Binary: true), new AuditParameter("0203", Binary: true)], BindParameters.Read(AfterNames(bind, "", ""), isWhole: true)!);
    }

    [Fact]
    public void Read_NoFormatCodes_MeansText_AndUtf8IsDecoded()
    {
        var bind = BindMessages.Bind("p", "s", [], BindMessages.Text("naïve ☃"), BindMessages.Text(""));

        Assert.Equal([new AuditParameter("naïve ☃"), new AuditParameter("")], BindParameters.Read(AfterNames(bind, "p", "s"), isWhole: true)!);
    }

    [Fact]
    public void Read_LongValue_IsCutAtTheLimit_WithoutHalfACharacter()
    {
        // 255 ASCII bytes, then a 3-byte character straddling the 256-byte limit.
        var value = new string('a', 255) + "€€";
        var bind = BindMessages.Bind("", "", [], BindMessages.Text(value), BindMessages.Text("next"));

        var parameters = BindParameters.Read(AfterNames(bind, "", ""), isWhole: true)!;

        Assert.Equal(new AuditParameter(new string('a', 255), Truncated: true), parameters[0]);
        Assert.Equal(new AuditParameter("next"), parameters[1]);
    }

    [Fact]
    public void Read_WindowEndsInsideTheValues_SeenPartIsTruncated_RestUnseen()
    {
        var bind = BindMessages.Bind("", "", [], BindMessages.Text("first"), BindMessages.Text("second-value"), BindMessages.Text("third"));
        var afterNames = AfterNames(bind, "", "");
        var cut = afterNames[..(2 + 2 + 4 + 5 + 4 + 6)]; // counts, "first", the second's length and "second"

        var parameters = BindParameters.Read(cut, isWhole: false)!;

        Assert.Equal([new AuditParameter("first"), new AuditParameter("second", Truncated: true), AuditParameter.Unseen], parameters);
    }

    [Fact]
    public void Read_BinaryValuesOfTypesTheParseNamed_AreRenderedAsText()
    {
        // As Npgsql sends them: int4 and text in binary, with their types (23, 25) named in Parse; bytea stays hex.
        var bind = BindMessages.Bind("", "", [1], [0, 0, 0, 42], BindMessages.Text("alice"), [0xde, 0xad]);

        var parameters = BindParameters.Read(AfterNames(bind, "", ""), isWhole: true, [23u, 25u, 17u])!;

        Assert.Equal([new AuditParameter("42"), new AuditParameter("alice"), new AuditParameter("dead", Binary: true)], parameters);
    }

    [Fact]
    public void Read_LongBinaryText_IsCutAsText()
    {
        var bind = BindMessages.Bind("", "", [1], BindMessages.Text(new string('b', 300)));

        var parameter = Assert.Single(BindParameters.Read(AfterNames(bind, "", ""), isWhole: true, [25u])!);

        Assert.Equal(new AuditParameter(new string('b', BindParameters.MaxValueBytes), Truncated: true), parameter);
    }

    [Theory]
    [InlineData(new byte[] { })]                               // no format count
    [InlineData(new byte[] { 0xff, 0xff })]                    // negative format count
    [InlineData(new byte[] { 0, 2, 0, 0 })]                    // two format codes announced, one present
    [InlineData(new byte[] { 0, 2, 0, 0, 0, 0, 0, 3 })]        // two format codes for three values
    [InlineData(new byte[] { 0, 0, 0, 1, 0, 0, 0, 9, 1, 2 })]  // a value longer than the whole message
    [InlineData(new byte[] { 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe })] // length -2
    [InlineData(new byte[] { 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff })] // two values announced, one present
    public void Read_MalformedWholeMessage_IsNull(byte[] afterNames)
    {
        Assert.Null(BindParameters.Read(afterNames, isWhole: true));
    }

    private static byte[] AfterNames(byte[] bind, string portal, string statement) =>
        bind[(5 + System.Text.Encoding.UTF8.GetByteCount(portal) + 1 + System.Text.Encoding.UTF8.GetByteCount(statement) + 1)..];
}
