/**
 * FIX tag numbers, MsgType values and SessionRejectReason codes used by the session layer, named as in the FIX 4.2 /
 * 4.4 specifications. Only what the session layer and its tests touch; application fields live with the dictionary.
 */

export const Tag = {
  BeginSeqNo: 7,
  BeginString: 8,
  BodyLength: 9,
  CheckSum: 10,
  ClOrdID: 11,
  EndSeqNo: 16,
  MsgSeqNum: 34,
  MsgType: 35,
  NewSeqNo: 36,
  PossDupFlag: 43,
  RefSeqNum: 45,
  SenderCompID: 49,
  SenderSubID: 50,
  SendingTime: 52,
  TargetCompID: 56,
  TargetSubID: 57,
  Text: 58,
  PossResend: 97,
  EncryptMethod: 98,
  HeartBtInt: 108,
  TestReqID: 112,
  OnBehalfOfCompID: 115,
  OnBehalfOfSubID: 116,
  OrigSendingTime: 122,
  GapFillFlag: 123,
  DeliverToCompID: 128,
  DeliverToSubID: 129,
  ResetSeqNumFlag: 141,
  OnBehalfOfLocationID: 144,
  DeliverToLocationID: 145,
  RefTagID: 371,
  RefMsgType: 372,
  SessionRejectReason: 373,
  BusinessRejectReason: 380,
} as const;

export const MsgType = {
  Heartbeat: "0",
  TestRequest: "1",
  ResendRequest: "2",
  Reject: "3",
  SequenceReset: "4",
  Logout: "5",
  Logon: "A",
  NewOrderSingle: "D",
  SecurityDefinition: "d",
  BusinessMessageReject: "j",
} as const;

const ADMIN_MSG_TYPES: ReadonlySet<string> = new Set(["0", "1", "2", "3", "4", "5", "A"]);

/** Session-level (admin) messages are never resent: a resend request gap-fills over them. */
export function isAdminMsgType(msgType: string): boolean {
  return ADMIN_MSG_TYPES.has(msgType);
}

/** SessionRejectReason (373) values. */
export const SessionRejectReason = {
  InvalidTagNumber: 0,
  RequiredTagMissing: 1,
  TagNotDefinedForThisMessageType: 2,
  TagSpecifiedWithoutAValue: 4,
  ValueIsIncorrect: 5,
  IncorrectDataFormatForValue: 6,
  CompIdProblem: 9,
  SendingTimeAccuracyProblem: 10,
  InvalidMsgType: 11,
  TagAppearsMoreThanOnce: 13,
  TagSpecifiedOutOfRequiredOrder: 14,
  IncorrectNumInGroupCountForRepeatingGroup: 16,
} as const;

export type SessionRejectReasonCode = (typeof SessionRejectReason)[keyof typeof SessionRejectReason];

/** Text (58) sent with each SessionRejectReason, as QuickFIX words it (peers and the acceptance scripts expect it). */
export const SESSION_REJECT_TEXT: Readonly<Record<number, string>> = {
  0: "Invalid tag number",
  1: "Required tag missing",
  2: "Tag not defined for this message type",
  4: "Tag specified without a value",
  5: "Value is incorrect (out of range) for this tag",
  6: "Incorrect data format for value",
  9: "CompID problem",
  10: "SendingTime accuracy problem",
  11: "Invalid MsgType",
  13: "Tag appears more than once",
  14: "Tag specified out of required order",
  16: "Incorrect NumInGroup count for repeating group",
};

/** BusinessRejectReason (380) values. */
export const BusinessRejectReason = {
  Other: 0,
  UnknownId: 1,
  UnknownSecurity: 2,
  UnsupportedMessageType: 3,
  ApplicationNotAvailable: 4,
  ConditionallyRequiredFieldMissing: 5,
} as const;

export const BUSINESS_REJECT_TEXT: Readonly<Record<number, string>> = {
  0: "Other",
  1: "Unknown ID",
  2: "Unknown Security",
  3: "Unsupported Message Type",
  4: "Application not available",
  5: "Conditionally Required Field Missing",
};
