namespace Game.Gateway.Tests.Fuzz;

/// <summary>
/// Valid client messages of protocol v1 and v1.1 (docs/protocol.md §3), the seeds the mutations start from. Joins name
/// <c>arena</c> (an arena room) or rooms of the other kinds made from it, so the fuzzing reaches every kind.
/// </summary>
internal static class Corpus
{
    public static IReadOnlyList<string> Messages(string arena) =>
    [
        """{"type":"hello","name":"Fuzzy"}""",
        """{"type":"hello","name":"Fuzzy","token":"AAAAAAAAAAAAAAAAAAAAAA"}""",
        """{"type":"hello","name":"Fuzzy","encoding":"binary"}""",
        """{"type":"time","t":1764000000000.5}""",
        """{"type":"rooms"}""",
        """{"type":"rooms","watch":true}""",
        """{"type":"rooms","watch":false}""",
        $$"""{"type":"join","room":"{{arena}}"}""",
        $$"""{"type":"join","room":"{{arena}}","kind":"arena","max":8}""",
        $$"""{"type":"join","room":"{{arena}}-r","kind":"relay","max":3}""",
        $$"""{"type":"join","room":"{{arena}}-b","kind":"board","max":4,"password":"pw"}""",
        $$"""{"type":"join","room":"{{arena}}-p","kind":"pong","max":2}""",
        $$"""{"type":"join","room":"{{arena}}-l","password":"s3cret"}""",
        """{"type":"input","seq":1,"time":1764000000000,"input":[0.5,-0.5]}""",
        """{"type":"input","seq":2,"time":1764000000050,"input":[-1,1],"attack":true}""",
        """{"type":"chat","text":"hello room"}""",
        """{"type":"chat","text":"psst","to":"AbCd1234"}""",
        """{"type":"leave"}""",
        """{"type":"relay","data":{"offer":"sdp","n":[1,2,3]}}""",
        """{"type":"relay","data":"ping","to":"AbCd1234"}""",
        """{"type":"draw","points":[[0,0],[10,10],[1000,1000]],"color":[255,0,128],"width":3}""",
        """{"type":"clear"}""",
    ];
}
