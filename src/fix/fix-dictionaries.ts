/**
 * The built-in FIX 4.4 and FIX 4.2 dictionaries: which tags exist in each version, the header and trailer, every
 * MsgType, the complete session (admin) messages, and the application messages Tributary reads (NewOrderSingle,
 * ExecutionReport, SecurityDefinition, OrderCancelRequest, OrderCancelReplaceRequest, BusinessMessageReject; in FIX 4.4
 * also the market data messages V, W, X, Y and TradingSessionStatus h, with their repeating groups), with
 * field types and enumerations from the FIX specifications.
 *
 * Known limits: a subset (see dictionary.ts). The tag ranges are those of the published versions (FIX 4.4: 1..956
 * with the spec's gaps; FIX 4.2: 1..446 with gaps); user-defined tags (5000 and up) are not accepted.
 */
import type { FieldDef, FieldType, FixDictionary, GroupDef, MessageDef } from "./dictionary.js";

type Ranges = readonly (readonly [number, number])[];

const FIX44_TAGS: Ranges = [
  [1, 19],
  [21, 23],
  [25, 45],
  [48, 50],
  [52, 75],
  [77, 85],
  [87, 91],
  [93, 100],
  [102, 104],
  [106, 108],
  [110, 124],
  [126, 165],
  [167, 172],
  [188, 203],
  [206, 218],
  [220, 260],
  [262, 313],
  [315, 318],
  [320, 369],
  [371, 438],
  [441, 448],
  [451, 464],
  [466, 652],
  [654, 684],
  [686, 808],
  [810, 830],
  [832, 956],
];

const FIX42_TAGS: Ranges = [
  [1, 100],
  [102, 219],
  [223, 223],
  [231, 231],
  [262, 446],
];

const f = (name: string, type: FieldType, values?: string): FieldDef =>
  values === undefined ? { name, type } : { name, type, values: new Set(values.split(" ")) };

const COMMON_FIELDS: Record<number, FieldDef> = {
  1: f("Account", "STRING"),
  6: f("AvgPx", "FLOAT"),
  7: f("BeginSeqNo", "SEQNUM"),
  8: f("BeginString", "STRING"),
  9: f("BodyLength", "LENGTH"),
  10: f("CheckSum", "STRING"),
  11: f("ClOrdID", "STRING"),
  14: f("CumQty", "FLOAT"),
  15: f("Currency", "STRING"),
  16: f("EndSeqNo", "SEQNUM"),
  17: f("ExecID", "STRING"),
  21: f("HandlInst", "CHAR", "1 2 3"),
  31: f("LastPx", "FLOAT"),
  32: f("LastQty", "FLOAT"),
  34: f("MsgSeqNum", "SEQNUM"),
  35: f("MsgType", "STRING"),
  36: f("NewSeqNo", "SEQNUM"),
  37: f("OrderID", "STRING"),
  38: f("OrderQty", "FLOAT"),
  41: f("OrigClOrdID", "STRING"),
  43: f("PossDupFlag", "BOOLEAN"),
  44: f("Price", "FLOAT"),
  45: f("RefSeqNum", "SEQNUM"),
  49: f("SenderCompID", "STRING"),
  50: f("SenderSubID", "STRING"),
  52: f("SendingTime", "UTCTIMESTAMP"),
  55: f("Symbol", "STRING"),
  56: f("TargetCompID", "STRING"),
  57: f("TargetSubID", "STRING"),
  58: f("Text", "STRING"),
  60: f("TransactTime", "UTCTIMESTAMP"),
  89: f("Signature", "DATA"),
  90: f("SecureDataLen", "LENGTH"),
  91: f("SecureData", "DATA"),
  93: f("SignatureLength", "LENGTH"),
  95: f("RawDataLength", "LENGTH"),
  96: f("RawData", "DATA"),
  97: f("PossResend", "BOOLEAN"),
  98: f("EncryptMethod", "INT", "0 1 2 3 4 5 6"),
  99: f("StopPx", "FLOAT"),
  108: f("HeartBtInt", "INT"),
  112: f("TestReqID", "STRING"),
  115: f("OnBehalfOfCompID", "STRING"),
  116: f("OnBehalfOfSubID", "STRING"),
  122: f("OrigSendingTime", "UTCTIMESTAMP"),
  123: f("GapFillFlag", "BOOLEAN"),
  126: f("ExpireTime", "UTCTIMESTAMP"),
  128: f("DeliverToCompID", "STRING"),
  129: f("DeliverToSubID", "STRING"),
  141: f("ResetSeqNumFlag", "BOOLEAN"),
  142: f("SenderLocationID", "STRING"),
  143: f("TargetLocationID", "STRING"),
  144: f("OnBehalfOfLocationID", "STRING"),
  145: f("DeliverToLocationID", "STRING"),
  151: f("LeavesQty", "FLOAT"),
  212: f("XmlDataLen", "LENGTH"),
  213: f("XmlData", "DATA"),
  320: f("SecurityReqID", "STRING"),
  322: f("SecurityResponseID", "STRING"),
  336: f("TradingSessionID", "STRING"),
  347: f("MessageEncoding", "STRING"),
  354: f("EncodedTextLen", "LENGTH"),
  355: f("EncodedText", "DATA"),
  369: f("LastMsgSeqNumProcessed", "SEQNUM"),
  371: f("RefTagID", "INT"),
  372: f("RefMsgType", "STRING"),
  379: f("BusinessRejectRefID", "STRING"),
  383: f("MaxMessageSize", "LENGTH"),
  384: f("NoMsgTypes", "NUMINGROUP"),
  385: f("MsgDirection", "CHAR", "S R"),
  386: f("NoTradingSessions", "NUMINGROUP"),
  432: f("ExpireDate", "LOCALMKTDATE"),
};

const FIX44_FIELDS: Record<number, FieldDef> = {
  ...COMMON_FIELDS,
  22: f("SecurityIDSource", "STRING", "1 2 3 4 5 6 7 8 9 A B C D E F G H I J"),
  39: f("OrdStatus", "CHAR", "0 1 2 3 4 6 7 8 9 A B C D E"),
  40: f("OrdType", "CHAR", "1 2 3 4 6 7 8 9 D E G I J K L M P"),
  54: f("Side", "CHAR", "1 2 3 4 5 6 7 8 9 A B C D E F G"),
  59: f("TimeInForce", "CHAR", "0 1 2 3 4 5 6 7"),
  150: f("ExecType", "CHAR", "0 3 4 5 6 7 8 9 A B C D E F G H I"),
  167: f(
    "SecurityType",
    "STRING",
    "EUSUPRA FAC FADN PEF SUPRA CORP CPP CB DUAL EUCORP XLINKD STRUCT YANK FOR CS PS BRADY EUSOV TBOND TINT TIPS TCAL " +
      "TPRN UST USTB TNOTE TBILL REPO FORWARD BUYSELL SECLOAN SECPLEDGE TERM RVLV RVLVTRM BRIDGE LOFC SWING DINP " +
      "DEFLTED WITHDRN REPLACD MATURED AMENDED RETIRED BA BN BOX CD CL CP DN EUCD EUCP LQN MTN ONITE PN PZFJ STN TD " +
      "XCN YCD ABS CMBS CMO IET MBS MIO MPO MPP MPT PFAND TBA AN COFO COFP GO MT RAN REV SPCLA SPCLO SPCLT TAN TAXA " +
      "TECP TRAN VRDN WAR MF MLEG NONE FUT OPT",
  ),
  323: f("SecurityResponseType", "INT", "1 2 5 6"),
  373: f("SessionRejectReason", "INT", "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 99"),
  380: f("BusinessRejectReason", "INT", "0 1 2 3 4 5 6 7"),
  447: f("PartyIDSource", "CHAR"),
  448: f("PartyID", "STRING"),
  452: f("PartyRole", "INT"),
  453: f("NoPartyIDs", "NUMINGROUP"),
  454: f("NoSecurityAltID", "NUMINGROUP"),
  455: f("SecurityAltID", "STRING"),
  456: f("SecurityAltIDSource", "STRING"),
  464: f("TestMessageIndicator", "BOOLEAN"),
  553: f("Username", "STRING"),
  554: f("Password", "STRING"),
  625: f("TradingSessionSubID", "STRING"),
  627: f("NoHops", "NUMINGROUP"),
  628: f("HopCompID", "STRING"),
  629: f("HopSendingTime", "UTCTIMESTAMP"),
  630: f("HopRefID", "SEQNUM"),
  789: f("NextExpectedMsgSeqNum", "SEQNUM"),
  802: f("NoPartySubIDs", "NUMINGROUP"),
  523: f("PartySubID", "STRING"),
  803: f("PartySubIDType", "INT"),
};

const FIX42_FIELDS: Record<number, FieldDef> = {
  ...COMMON_FIELDS,
  20: f("ExecTransType", "CHAR", "0 1 2 3"),
  22: f("IDSource", "STRING", "1 2 3 4 5 6 7 8 9"),
  39: f("OrdStatus", "CHAR", "0 1 2 3 4 5 6 7 8 9 A B C D E"),
  40: f("OrdType", "CHAR", "1 2 3 4 5 6 7 8 9 A B C D E F G H I P"),
  54: f("Side", "CHAR", "1 2 3 4 5 6 7 8 9"),
  59: f("TimeInForce", "CHAR", "0 1 2 3 4 5 6"),
  150: f("ExecType", "CHAR", "0 1 2 3 4 5 6 7 8 9 A B C D E"),
  167: f(
    "SecurityType",
    "STRING",
    "? BA CB CD CMO CORP CP CPP CS FHA FHL FN FOR FUT GN GOVT IET MF MIO MPO MPP MPT MUNI NONE OPT PS RP RVRP SL TD " +
      "USTB WAR ZOO",
  ),
  323: f("SecurityResponseType", "INT", "1 2 3 4 5 6"),
  373: f("SessionRejectReason", "INT", "0 1 2 3 4 5 6 7 8 9 10 11"),
  380: f("BusinessRejectReason", "INT", "0 1 2 3 4 5 6 7"),
};

const set = (tags: string): ReadonlySet<number> => new Set(tags.split(" ").map(Number));
const group = (delimiter: number, members: string): GroupDef => ({ delimiter, members: set(members) });

const MSG_TYPES_42 =
  "0 1 2 3 4 5 6 7 8 9 A B C D E F G H J K L M N P Q R S T V W X Y Z a b c d e f g h i j k l m".split(" ");
const MSG_TYPES_44 = [
  ...MSG_TYPES_42,
  ..."n o p q r s t u v w x y z AA AB AC AD AE AF AG AH AI AJ AK AL AM AN AO AP AQ AR AS AT AU AV AW AX AY AZ".split(
    " ",
  ),
  ..."BA BB BC BD BE BF BG BH".split(" "),
];

function sessionMessages(logonFields: string): [string, MessageDef][] {
  return [
    ["0", { name: "Heartbeat", required: [], closed: set("112") }],
    ["1", { name: "TestRequest", required: [112], closed: set("112") }],
    ["2", { name: "ResendRequest", required: [7, 16], closed: set("7 16") }],
    ["3", { name: "Reject", required: [45], closed: set("45 371 372 373 58 354 355") }],
    ["4", { name: "SequenceReset", required: [36], closed: set("123 36") }],
    ["5", { name: "Logout", required: [], closed: set("58 354 355") }],
    [
      "A",
      {
        name: "Logon",
        required: [98, 108],
        closed: set(logonFields),
        groups: new Map([[384, group(372, "372 385")]]),
      },
    ],
  ];
}

function tagChecker(ranges: Ranges): (tag: number) => boolean {
  return (tag) => {
    for (const [lo, hi] of ranges) if (tag >= lo && tag <= hi) return true;
    return false;
  };
}

const HEADER_42 = "8 9 35 49 56 115 128 90 91 34 50 142 57 143 116 144 129 145 43 97 52 122 212 213 347 369 370";

export const FIX44_DICTIONARY: FixDictionary = {
  beginString: "FIX.4.4",
  isKnownTag: tagChecker(FIX44_TAGS),
  fields: new Map(Object.entries(FIX44_FIELDS).map(([k, v]) => [Number(k), v])),
  header: set(`${HEADER_42} 627 628 629 630`),
  headerRequired: [8, 9, 35, 49, 56, 34, 52],
  trailer: set("93 89 10"),
  msgTypes: new Set(MSG_TYPES_44),
  headerGroups: new Map([[627, group(628, "628 629 630")]]),
  messages: new Map<string, MessageDef>([
    ...sessionMessages("98 108 95 96 141 789 383 384 372 385 464 553 554"),
    [
      "D",
      {
        name: "NewOrderSingle",
        required: [11, 54, 60, 40],
        groups: new Map([
          [386, group(336, "336 625")],
          [453, group(448, "448 447 452 802 523 803")],
          [454, group(455, "455 456")],
        ]),
      },
    ],
    ["F", { name: "OrderCancelRequest", required: [41, 11, 54, 60], groups: new Map([[454, group(455, "455 456")]]) }],
    [
      "G",
      {
        name: "OrderCancelReplaceRequest",
        required: [41, 11, 54, 60, 40],
        groups: new Map([
          [386, group(336, "336 625")],
          [454, group(455, "455 456")],
        ]),
      },
    ],
    ["8", { name: "ExecutionReport", required: [37, 17, 150, 39, 54, 151, 14, 6] }],
    [
      "V",
      {
        name: "MarketDataRequest",
        required: [262, 263, 264],
        groups: new Map([
          [267, group(269, "269")],
          [146, group(55, "55 48 22")],
        ]),
      },
    ],
    [
      "W",
      {
        name: "MarketDataSnapshotFullRefresh",
        required: [268],
        groups: new Map([[268, group(269, "269 270 271 272 273 54 290")]]),
      },
    ],
    [
      "X",
      {
        name: "MarketDataIncrementalRefresh",
        required: [268],
        groups: new Map([[268, group(279, "279 269 55 270 271 272 273 54 290")]]),
      },
    ],
    ["Y", { name: "MarketDataRequestReject", required: [262] }],
    ["h", { name: "TradingSessionStatus", required: [336, 340] }],
    ["d", { name: "SecurityDefinition", required: [320, 322, 323], groups: new Map([[454, group(455, "455 456")]]) }],
    ["j", { name: "BusinessMessageReject", required: [372, 380] }],
  ]),
};

export const FIX42_DICTIONARY: FixDictionary = {
  beginString: "FIX.4.2",
  isKnownTag: tagChecker(FIX42_TAGS),
  fields: new Map(Object.entries(FIX42_FIELDS).map(([k, v]) => [Number(k), v])),
  header: set(HEADER_42),
  headerRequired: [8, 9, 35, 49, 56, 34, 52],
  trailer: set("93 89 10"),
  msgTypes: new Set(MSG_TYPES_42),
  headerGroups: new Map(),
  messages: new Map<string, MessageDef>([
    ...sessionMessages("98 108 95 96 141 383 384 372 385"),
    [
      "D",
      {
        name: "NewOrderSingle",
        required: [11, 21, 55, 54, 60, 40],
        groups: new Map([[386, group(336, "336")]]),
      },
    ],
    ["F", { name: "OrderCancelRequest", required: [41, 11, 55, 54, 60] }],
    ["G", { name: "OrderCancelReplaceRequest", required: [41, 11, 21, 55, 54, 60, 40] }],
    ["8", { name: "ExecutionReport", required: [37, 17, 20, 150, 39, 55, 54, 151, 14, 6] }],
    ["d", { name: "SecurityDefinition", required: [320, 322, 323] }],
    ["j", { name: "BusinessMessageReject", required: [372, 380] }],
  ]),
};

export function dictionaryFor(beginString: string): FixDictionary | undefined {
  if (beginString === "FIX.4.4") return FIX44_DICTIONARY;
  if (beginString === "FIX.4.2") return FIX42_DICTIONARY;
  return undefined;
}
