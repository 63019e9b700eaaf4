package ui

import (
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
)

// Words are the window's own sentences: every word the wizard shows that is
// not a finding's text (those come from package diagnose). They live here,
// in one value, so a translation is one more value of this type.
type Words struct {
	AppName string

	// The step bar, in the order of the steps.
	Steps [stepCount]string
	Back  string
	Next  string

	// Welcome.
	WelcomeTitle       string
	WelcomeTitleFor    string // %s: the product's name
	WelcomeIntro       string
	TargetLabel        string
	YourSupportTeam    string
	SupportBy          string // %s: the product's name or YourSupportTeam
	SupportPage        string
	About              string
	AboutTitle         string
	AboutText          string
	Close              string
	AboutPreset        string // %s: the preset's file and how it was found
	AboutPresetBuiltIn string
	AddressLabel       string
	AddressExample     string
	AddressNeeded      string
	SelfTestButton     string
	AddressPreset      string
	AddressOK          string
	AddressBad         map[string]string // by engine.TargetError.Part
	AddressBadOther    string
	CheckButton        string
	Advanced           string
	HeadersLabel       string
	HeadersHint        string
	HeadersBad         string
	CookieLabel        string
	CookieHint         string
	ProxyLabel         string
	ProxySystem        string
	ProxyNone          string
	ProxyURL           string
	ProxyURLHint       string
	ProxyUserLabel     string
	ProxyUserHint      string
	ProxyPasswordLabel string
	ProxyURLBad        string
	ClientCertLabel    string
	ClientCertHint     string
	ClientKeyLabel     string
	CAFileLabel        string
	CAFileHint         string
	ChooseFile         string
	IdleLabel          string
	IdleChoices        []string // labels of idleChoices, in order
	AdvancedMismatch   string

	// Your connection.
	ConnTitle       string
	ConnIntro       string
	ConnLooking     string
	ConnNotChecked  string
	ConnFailed      string // %v: the error
	ConnProxy       string // %s: where it was set
	ConnProxyAt     string // %s: address
	ConnProxyAuto   string // %s: where it was set
	ConnProxyOwn    string // %s: address (the user chose it in Advanced)
	ConnNoProxyUser string
	ConnNoProxy     string
	ConnVPN         string // %s: VPN name
	ConnVPNUnnamed  string
	ConnNoVPN       string
	ConnStart       string
	SourceWords     map[string]string // by netenv source
	SourceCompany   string            // %s: the source words, for a managed setting
	SourceOther     string            // %s: the raw source name

	// Checking.
	CheckingTitle string
	CheckingOf    string // %s: the address
	CheckingSelf  string
	ProbeWords    map[string]string // by probe name
	StateWaiting  string
	StateChecking string
	StatePass     string
	StateWarn     string
	StateFail     string
	StateSkip     string
	StateStopped  string
	Progress      string // %d of %d
	Cancel        string
	Cancelling    string
	Stopped       string
	CheckAgain    string
	CouldNotStart string // %v
	TimeUnderMS   string
	TimeMS        string // %d
	TimeS         string // %.1f

	// Result.
	VerdictText map[diagnose.Verdict]string
	// VerdictSelfTest replaces VerdictText for a working self-test, and
	// VerdictAddressNeeded for a page address that answered in place of
	// its live connection.
	VerdictSelfTest, VerdictAddressNeeded string
	VerdictShort                          map[diagnose.Verdict]string
	PathTitle                             string
	HopComputer                           string
	HopVPN                                string
	HopProxy                              string
	HopInternet                           string
	HopService                            string
	HopStopsHere                          string
	FindingsTitle                         string
	NoFindings                            string
	NoFindingsBad                         string
	WhoFixes                              string // %s
	WordsMean                             string
	FixerYou                              string
	FixerIT                               string
	FixerService                          string
	FixerNobody                           string
	FailedProbe                           string // %s probe words, %s detail
	IdleRunning                           string // %s time left
	IdleSkip                              string
	IdleSkipped                           string
	IdleHeld                              string // %s duration
	IdleClosed                            string // %s duration
	IdlePingsHelp                         string
	IdleFailed                            string // %s detail
	BeforeAfter                           string // %s before, %s now
	Solved                                string // %s titles
	StillThere                            string // %s titles
	FixButton                             string
	ShareButton                           string
	TestAgain                             string
	SeverityWords                         map[diagnose.Severity]string

	// The browser test on the result screen.
	BrowserButton      string
	BrowserHint        string
	BrowserWaiting     string // %s time left
	BrowserSkip        string
	BrowserSkipped     string
	BrowserFailed      string // %s what went wrong
	BrowserOpened      string // %s browser's name, %s time to open
	BrowserNotOpened   string // %s browser's name
	BrowserCloseCode   string // %d closing code
	BrowserNameUnknown string

	// Fix it.
	FixTitle        string
	FixStepOf       string // %d of %d
	FixFor          string // %s: finding title
	FixPrevStep     string
	FixNextStep     string
	FixTestHint     string
	CopyAdminNote   string
	CopiedAdminNote string
	AdminNoteHead   string // %s: product, %s address
	NothingToFix    string
	GenericSteps    []string

	// Share.
	ShareTitle       string
	ShareIntro       string
	FormatLabel      string
	FormatNames      map[string]string
	SaveReport       string
	SaveNow          string
	IdleStillRunning string // %d: seconds left
	OpenFolder       string
	OpenFolderFailed string // %v
	Saved            string // %s: file name, %s: folder
	SaveIn           string
	ChangeFolder     string
	SaveFailed       string // %v
	CopySummary      string
	CopiedSummary    string
	EmailSupport     string
	EmailNoAddress   string
	EmailOpened      string // %s: address
	EmailFailed      string // %v
	EmailSubject     string // %s: verdict short
	SummaryHead      string // %s product/app, %s address
	SummaryVerdict   string // %s
	SummaryFindings  string
	SummaryNoRun     string
	StartOver        string
}

// English is the window's text in English, the default.
var English = Words{
	AppName: "WebSocket Doctor",
	Steps:   [stepCount]string{"Start", "Your connection", "Checking", "Result", "Fix it", "Share"},
	Back:    "Back",
	Next:    "Next",

	WelcomeTitle:       "Do live connections work on this computer?",
	WelcomeTitleFor:    "Do live connections to %s work on this computer?",
	TargetLabel:        "Service to test",
	YourSupportTeam:    "your support team",
	SupportBy:          "Help from %s:",
	SupportPage:        "help page",
	About:              "About",
	Close:              "Close",
	AboutPreset:        "Preset: %s",
	AboutPresetBuiltIn: "Preset: built in",
	AboutTitle:         "About WebSocket Doctor",
	AboutText:          "Finds out why live connections (WebSockets) do not work on this computer, explains it in plain words and writes a report for your support team. The check connects only to the address you test, through your proxy when one is set; when your settings name a proxy script (PAC) or use automatic proxy discovery (WPAD), it also fetches that script from its address. Nothing else is contacted, and the report stays on this computer until you send it. Free software under the MIT License.",
	WelcomeIntro:       "Some apps show new messages and changes the moment they happen, using a live connection (in technical terms, a WebSocket). This check finds out whether such connections work from this computer, and if not, why not and what you can do about it.",
	AddressLabel:       "Address to test",
	AddressExample:     "for example wss://chat.example.com/socket",
	AddressNeeded:      "Enter the address of the app you use: the one your support team gave you, or the address of the page you have open in your browser (such as https://app.example.com).",
	SelfTestButton:     "Test this computer only",
	AddressPreset:      "This address was set for you by your support team. You can usually leave it as it is.",
	AddressOK:          "This address looks right.",
	AddressBad: map[string]string{
		"address": "This does not look like an address: %s.",
		"scheme":  "The start of the address is not right: %s. It should begin with wss:// or https://.",
		"host":    "The name of the service in the address is not right: %s.",
		"port":    "The number after the colon is not right: %s.",
		"path":    "The part after the service's name is not right: %s.",
	},
	AddressBadOther:    "This does not look like an address: %s.",
	CheckButton:        "Check my connection",
	Advanced:           "Advanced settings (for your support team)",
	HeadersLabel:       "Extra headers",
	HeadersHint:        "One per line, as Name: value",
	HeadersBad:         "Line %d should look like Name: value.",
	CookieLabel:        "Cookie",
	CookieHint:         "Sent as the Cookie header; left out of reports",
	ProxyLabel:         "Proxy",
	ProxySystem:        "Use this computer's settings",
	ProxyNone:          "Connect directly, without a proxy",
	ProxyURL:           "Use this proxy:",
	ProxyURLHint:       "http://proxy.example.com:8080",
	ProxyUserLabel:     "Proxy user name",
	ProxyUserHint:      "Only if your proxy asks for it. On Windows, your own sign-in is used when this is empty.",
	ProxyPasswordLabel: "Proxy password",
	ProxyURLBad:        "The proxy address should look like http://host:port, https://host:port, socks5://host:port or socks4://host:port.",
	ClientCertLabel:    "Client certificate",
	ClientCertHint:     "certificate file (PEM)",
	ClientKeyLabel:     "Certificate key",
	CAFileLabel:        "Trust this CA",
	CAFileHint:         "CA certificate file (PEM)",
	ChooseFile:         "Choose…",
	IdleLabel:          "Idle test",
	IdleChoices:        []string{"Off", "30 seconds", "1 minute", "2 minutes", "3 minutes", "5 minutes"},
	AdvancedMismatch:   "Give both the certificate and its key.",

	ConnTitle:       "Your connection",
	ConnIntro:       "This is how this computer reaches the Internet. The check will go the same way.",
	ConnLooking:     "Looking at this computer's network settings…",
	ConnNotChecked:  "This version cannot look at the network settings yet; the check itself will still run.",
	ConnFailed:      "The network settings could not be read (%v); the check itself will still run.",
	ConnProxy:       "You connect through a proxy set %s.",
	ConnProxyAt:     "The proxy is %s.",
	ConnProxyAuto:   "A script set %s chooses the proxy for each address.",
	ConnProxyOwn:    "You asked to connect through the proxy %s.",
	ConnNoProxyUser: "You asked to connect directly, without a proxy.",
	ConnNoProxy:     "No proxy: this computer connects directly.",
	ConnVPN:         "A VPN is on (%s).",
	ConnVPNUnnamed:  "A VPN is on.",
	ConnNoVPN:       "No VPN is on.",
	ConnStart:       "Start the check",
	SourceWords: map[string]string{
		"env":     "environment variables",
		"wininet": "Windows settings",
		"winhttp": "Windows system settings",
		"macos":   "macOS network settings",
		"gnome":   "GNOME settings",
		"kde":     "KDE settings",
		"option":  "this app's settings",
		"pac":     "a proxy script",
		"wpad":    "automatic discovery on your network",
	},
	SourceCompany: "by your company (%s)",
	SourceOther:   "on this computer (%s)",

	CheckingTitle: "Checking",
	CheckingOf:    "Checking %s",
	CheckingSelf:  "Checking this computer with the app's own test server",
	ProbeWords: map[string]string{
		engine.ProbeDNS:           "Finding the service on the Internet",
		engine.ProbeTCP:           "Reaching the service",
		engine.ProbeProxy:         "Going through your proxy",
		engine.ProbeTLS:           "Setting up a secure connection",
		engine.ProbeHTTP:          "Loading a normal web page from it",
		engine.ProbeUpgrade:       "Opening a live connection",
		engine.ProbeUpgradeDirect: "Opening a live connection without the proxy",
		engine.ProbeEcho:          "Sending and receiving messages",
		engine.ProbeIdle:          "Keeping a quiet connection open",
	},
	StateWaiting:  "Waiting",
	StateChecking: "Checking…",
	StatePass:     "Works",
	StateWarn:     "Works, with a warning",
	StateFail:     "Does not work",
	StateSkip:     "Not tested",
	StateStopped:  "Stopped",
	Progress:      "%d of %d done",
	Cancel:        "Cancel",
	Cancelling:    "Stopping…",
	Stopped:       "You stopped the check. Nothing was changed on this computer.",
	CheckAgain:    "Check again",
	CouldNotStart: "The check could not start: %v",
	TimeUnderMS:   "< 1 ms",
	TimeMS:        "%d ms",
	TimeS:         "%.1f s",

	VerdictText: map[diagnose.Verdict]string{
		diagnose.Works:             "Live connections work from this computer.",
		diagnose.WorksWithWarnings: "Live connections work, but something may get in their way.",
		diagnose.DoesNotWork:       "Live connections do not work from this computer.",
		diagnose.Incomplete:        "The check did not finish, so there is no answer yet.",
	},
	VerdictSelfTest:      "This computer can make live connections. Your network and the service were not tested.",
	VerdictAddressNeeded: "The service can be reached. To test the app's live connection, the check needs that connection's own address.",
	VerdictShort: map[diagnose.Verdict]string{
		diagnose.Works:             "live connections worked",
		diagnose.WorksWithWarnings: "live connections worked, with warnings",
		diagnose.DoesNotWork:       "live connections did not work",
		diagnose.Incomplete:        "the check did not finish",
	},
	PathTitle:     "The way your connection goes",
	HopComputer:   "This computer",
	HopVPN:        "VPN",
	HopProxy:      "Proxy",
	HopInternet:   "Internet",
	HopService:    "Service",
	HopStopsHere:  "Stops here",
	FindingsTitle: "What we found, most likely first",
	NoFindings:    "Nothing is wrong. If the app you use still does not show news at once, share the report with its support team.",
	NoFindingsBad: "We could not tell exactly why. The list below shows where it stopped; please share the report with your support team.",
	WhoFixes:      "Who can fix it: %s",
	WordsMean:     "What do these words mean?",
	FixerYou:      "you",
	FixerIT:       "your IT team",
	FixerService:  "the service's team",
	FixerNobody:   "nothing to fix",
	FailedProbe:   "%s: %s",
	IdleRunning:   "Still checking that a quiet connection stays open: %s left.",
	IdleSkip:      "Skip",
	IdleSkipped:   "You skipped the test of a quiet connection.",
	IdleHeld:      "A quiet connection stayed open for %s.",
	IdleClosed:    "A quiet connection was closed after %s.",
	IdlePingsHelp: "Connections that send a small signal now and then stayed open.",
	IdleFailed:    "The test of a quiet connection did not work: %s",
	BeforeAfter:   "Before: %s. Now: %s.",
	Solved:        "Solved: %s.",
	StillThere:    "Still there: %s.",
	FixButton:     "Show me how to fix it",
	ShareButton:   "Share the report",
	TestAgain:     "Test again",
	SeverityWords: map[diagnose.Severity]string{
		diagnose.SeverityOK:      "Fine",
		diagnose.SeverityInfo:    "Good to know",
		diagnose.SeverityWarning: "Worth a look",
		diagnose.SeverityProblem: "Problem",
	},

	BrowserButton:      "Test in my browser too",
	BrowserHint:        "Opens the same address in your web browser, through a page on this computer, and puts its answer beside this one.",
	BrowserWaiting:     "Waiting for your browser's answer: %s left. Once it has answered you may close its tab.",
	BrowserSkip:        "Skip",
	BrowserSkipped:     "You skipped the browser test.",
	BrowserFailed:      "The browser test did not work: %s",
	BrowserOpened:      "Your browser (%s) could open the live connection, in %s.",
	BrowserNotOpened:   "Your browser (%s) could not open the live connection.",
	BrowserCloseCode:   " It was closed with code %d.",
	BrowserNameUnknown: "name not known",

	FixTitle:        "Fix it",
	FixStepOf:       "Step %d of %d",
	FixFor:          "For: %s",
	FixPrevStep:     "Previous step",
	FixNextStep:     "Next step",
	FixTestHint:     "Done this step? Press Test again to see whether it helped.",
	CopyAdminNote:   "Copy the note for your IT team",
	CopiedAdminNote: "The note is copied. Paste it into an e-mail or a ticket for your IT team.",
	AdminNoteHead:   "Note for your IT team, from %s (checking %s):",
	NothingToFix:    "There is nothing to fix: live connections work from this computer.",
	GenericSteps: []string{
		"Try another network, for example your phone's hotspot, then press Test again.",
		"If it works on the other network, the problem is on your usual network: share the report with your IT team.",
		"If it does not work anywhere, share the report with the support team of the service.",
	},

	ShareTitle:  "Share the report",
	ShareIntro:  "The report lets your support team see what the check saw. Passwords and cookies are left out.",
	FormatLabel: "Save as",
	FormatNames: map[string]string{
		"html": "Web page (HTML)",
		"json": "Data for support tools (JSON)",
		"md":   "Markdown",
		"text": "Plain text",
	},
	SaveReport:       "Save the report",
	SaveNow:          "Save now without it",
	IdleStillRunning: "The idle test is still running: a report saved now will not have its result. Press Save now to save without it, or wait %d s and save then.",
	OpenFolder:       "Open the folder",
	OpenFolderFailed: "The folder could not be opened: %v",
	Saved:            "Saved as %s in %s.",
	SaveIn:           "Save in:",
	ChangeFolder:     "Change folder…",
	SaveFailed:       "The report could not be saved: %v",
	CopySummary:      "Copy a summary",
	CopiedSummary:    "The summary is copied. Paste it where your support team asked for it.",
	EmailSupport:     "E-mail support",
	EmailNoAddress:   "No support address is set in this version; save the report and send it to your support team.",
	EmailOpened:      "Your e-mail program should open with a message to %s. Attach the saved report before sending.",
	EmailFailed:      "The e-mail program could not be opened: %v",
	EmailSubject:     "WebSocket check: %s",
	SummaryHead:      "%s checked %s.",
	SummaryVerdict:   "Result: %s.",
	SummaryFindings:  "Findings:",
	SummaryNoRun:     "No check has been run yet.",
	StartOver:        "Start over",
}

// T is the text the window shows; a translation replaces it before the
// window is built.
var T = English
