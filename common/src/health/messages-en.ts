import type { HealthMessageKey, MessageText } from './messages-fr.js';

/** Security health, the English sentences of every check result: the same keys as the French table. A string table. */
export const EN_MESSAGES: Record<HealthMessageKey, MessageText> = {
  'disk-encryption.on': {
    title: 'The disk is encrypted',
    explanation: 'If the computer is lost or stolen, nobody can read patient records without your password.',
    remediation: null,
  },
  'disk-encryption.off.macos': {
    title: 'The disk is not encrypted',
    explanation: 'If the computer is lost or stolen, anyone can read the patient records.',
    remediation: 'Turn on FileVault in System Settings > Privacy & Security, then keep the recovery key somewhere safe.',
  },
  'disk-encryption.off.windows': {
    title: 'The disk is not encrypted',
    explanation: 'If the computer is lost or stolen, anyone can read the patient records.',
    remediation: 'Turn on encryption in Settings > Privacy & security > Device encryption, or ask your provider.',
  },
  'disk-encryption.off.linux': {
    title: 'The disk is not encrypted',
    explanation: 'If the computer is lost or stolen, anyone can read the patient records.',
    remediation: 'Ask your provider to reinstall the system with an encrypted disk: it is chosen at installation time.',
  },
  'disk-encryption.in-progress': {
    title: 'Disk encryption is in progress',
    explanation: 'The disk is being encrypted ({{percent}}%). It is only protected once this is finished.',
    remediation: 'Keep the computer on and plugged in until it is done.',
  },
  'disk-encryption.in-progress-unmeasured': {
    title: 'Disk encryption is in progress',
    explanation:
      'The disk is being encrypted. From this account, the computer does not say how far it has got. The disk is only protected once encryption is finished.',
    remediation: 'Keep the computer on and plugged in until it is done.',
  },
  'disk-encryption.paused': {
    title: 'Disk encryption stopped halfway',
    explanation:
      'Encryption started and was then paused ({{percent}}% of the disk): the rest of the disk can be read if the computer is lost or stolen.',
    remediation: 'Ask your provider to restart disk encryption and let it finish.',
  },
  'disk-encryption.paused-unmeasured': {
    title: 'Disk encryption stopped halfway',
    explanation:
      'Encryption started and was then paused: the part of the disk not yet encrypted can be read if the computer is lost or stolen.',
    remediation: 'Ask your provider to restart disk encryption and let it finish.',
  },
  'disk-encryption.decryption-paused': {
    title: 'Removing encryption is paused',
    explanation:
      'Someone started to remove disk encryption and then paused it: part of the data is already unprotected if the computer is stolen.',
    remediation: 'If this is not intended, contact your provider right away to restore encryption.',
  },
  'disk-encryption.pending': {
    title: 'Encryption is waiting for a restart',
    explanation: 'Encryption is planned but will only start after the next restart.',
    remediation: 'Restart the computer when you can.',
  },
  'disk-encryption.suspended': {
    title: 'Disk encryption is suspended',
    explanation: 'The disk is encrypted but its protection is off: the key is left accessible and the disk can be read if stolen.',
    remediation: 'Ask your provider to turn disk protection back on.',
  },
  'disk-encryption.decrypting': {
    title: 'The disk is being decrypted',
    explanation: 'Someone asked to remove encryption: soon the data will no longer be protected if the computer is stolen.',
    remediation: 'If this is not intended, contact your provider right away.',
  },
  'antivirus.defender-ok': {
    title: 'The antivirus is on and up to date',
    explanation: 'Microsoft Defender constantly checks files and its virus definitions are recent.',
    remediation: null,
  },
  'antivirus.product-ok': {
    title: 'The antivirus is on and up to date',
    explanation: '{{name}} constantly checks files and its virus definitions are up to date.',
    remediation: null,
  },
  'antivirus.realtime-off': {
    title: 'Antivirus protection is off',
    explanation: 'Constant checking by {{name}} is off: a booby-trapped file opened now would not be stopped.',
    remediation: 'Turn real-time protection back on in Windows Security > Virus & threat protection.',
  },
  'antivirus.outdated': {
    title: 'The antivirus is out of date',
    explanation: {
      plural: 'days',
      one: 'The virus definitions of {{name}} are {{days}} day old: recent threats are not recognised.',
      other: 'The virus definitions of {{name}} are {{days}} days old: recent threats are not recognised.',
    },
    remediation: 'Update the antivirus and check that the computer can reach the Internet.',
  },
  'antivirus.product-outdated': {
    title: 'The antivirus is out of date',
    explanation: 'The virus definitions of {{name}} are not up to date: recent threats are not recognised.',
    remediation: 'Update the antivirus and check that the computer can reach the Internet.',
  },
  'antivirus.none': {
    title: 'No antivirus is running',
    explanation: 'No antivirus is protecting this computer right now.',
    remediation: 'Turn Microsoft Defender back on in Windows Security, or contact your provider.',
  },
  'antivirus.macos-ok': {
    title: 'macOS built-in protection is on',
    explanation: 'macOS checks applications and automatically receives updates of its malware protection.',
    remediation: null,
  },
  'antivirus.macos-current': {
    title: 'macOS built-in protection is on and up to date',
    explanation: 'macOS checks applications against its list of known malware, updated on {{sinceDate}}.',
    remediation: null,
  },
  'antivirus.macos-outdated': {
    title: 'macOS built-in protection is out of date',
    explanation:
      'The list of known malware of macOS dates from {{sinceDate}}: Apple updates it almost every week, so recent threats are not recognised.',
    remediation:
      'Check that the computer can reach the Internet; in System Settings > General > Software Update, turn on “Install Security Responses and system files”.',
  },
  'antivirus.macos-missing': {
    title: 'macOS built-in protection is missing',
    explanation:
      'The list of known malware of macOS cannot be found on this computer: applications are no longer checked against known threats.',
    remediation: 'Ask your provider to restore the macOS security files (a system update reinstalls them).',
  },
  'antivirus.macos-updates-off': {
    title: 'macOS built-in protection no longer updates',
    explanation: 'Automatic installation of security files is off: new threats are not recognised.',
    remediation: 'In System Settings > General > Software Update, turn on “Install Security Responses and system files”.',
  },
  'antivirus.linux-clamav-ok': {
    title: 'An antivirus is installed',
    explanation: 'An antivirus is installed and its virus definitions update automatically.',
    remediation: null,
  },
  'antivirus.linux-clamav-no-updates': {
    title: 'The antivirus does not update',
    explanation:
      'An antivirus is installed, but nothing updates its virus definitions: they are getting old and recent threats are not recognised.',
    remediation: 'Ask your provider to install the antivirus’s automatic updates.',
  },
  'antivirus.linux-none': {
    title: 'No antivirus is installed',
    explanation: 'No antivirus was found on this Linux computer. The risk is lower than on Windows, but received files are not scanned.',
    remediation: 'Ask your provider whether an antivirus is useful for this computer.',
  },
  'firewall.on': {
    title: 'The firewall is on',
    explanation: 'Unauthorised incoming connections are blocked.',
    remediation: null,
  },
  'firewall.off.macos': {
    title: 'The firewall is off',
    explanation: 'Other devices on the network can freely connect to this computer’s services.',
    remediation: 'Turn on the firewall in System Settings > Network > Firewall.',
  },
  'firewall.off.windows': {
    title: 'The firewall is off',
    explanation:
      'The firewall is off for the network in use right now ({{profilesList}}): other devices on that network can freely connect to this computer.',
    remediation: 'Turn on the firewall in Windows Security > Firewall & network protection, for every type of network.',
  },
  'firewall.unused-off.windows': {
    title: 'The firewall is off for one type of network',
    explanation:
      'The firewall protects the network in use right now, but it is off for a type of network not in use at the moment ({{profilesList}}): the computer would be exposed as soon as it joins such a network.',
    remediation: 'Turn on the firewall in Windows Security > Firewall & network protection, for every type of network.',
  },
  'firewall.off.linux': {
    title: 'The firewall is off',
    explanation: 'The firewall is installed but inactive: connections coming from the network are not filtered.',
    remediation: 'Ask your provider to turn the firewall on.',
  },
  'os-supported.ok': {
    title: 'The system receives security fixes',
    explanation: '{{name}} is still supported by its vendor (until {{untilDate}}).',
    remediation: null,
  },
  'os-supported.ok-estimated': {
    title: 'The system receives security fixes',
    explanation: '{{name}} is still supported by Apple (until about {{untilDate}}; Apple publishes no date).',
    remediation: null,
  },
  'os-supported.recent': {
    title: 'The system receives security fixes',
    explanation: '{{name}} is a recent version, newer than Vigie’s list: it is supported by its vendor.',
    remediation: null,
  },
  'os-supported.ending-soon': {
    title: 'The system will soon stop being updated',
    explanation: '{{name}} will receive no security fixes after {{untilDate}}.',
    remediation: 'Plan the system upgrade with your provider before that date.',
  },
  'os-supported.extended': {
    title: 'The system is reaching end of life',
    explanation: '{{name}} only receives limited extended fixes, until {{untilDate}}.',
    remediation: 'Plan the upgrade to a recent version with your provider.',
  },
  'os-supported.esu': {
    title: 'The system receives paid extended fixes',
    explanation:
      '{{name}} is no longer supported as usual by Microsoft, but this computer is enrolled in the paid extended security updates programme, until {{untilDate}}.',
    remediation: 'Plan the move to Windows 11 with your provider before that date.',
  },
  'os-supported.ended': {
    title: 'The system is no longer updated',
    explanation: '{{name}} has received no security fixes since {{sinceDate}}: flaws found since then stay open.',
    remediation: 'Have your provider upgrade the system (or replace the computer).',
  },
  'os-updates.none': {
    title: 'Updates are installed',
    explanation: 'No system update is waiting.',
    remediation: null,
  },
  'os-updates.pending': {
    title: 'Updates are waiting',
    explanation: {
      plural: 'count',
      one: '{{count}} system update is waiting to be installed.',
      other: '{{count}} system updates are waiting to be installed.',
    },
    remediation: 'Install the updates, then restart the computer.',
  },
  'os-updates.pending-security': {
    title: 'Security updates are waiting',
    explanation: {
      plural: 'security',
      one: '{{security}} security fix is not installed (updates waiting: {{count}}): a known flaw stays open.',
      other: '{{security}} security fixes are not installed (updates waiting: {{count}}): known flaws stay open.',
    },
    remediation: 'Install the updates today, then restart the computer.',
  },
  'os-updates.stale-lists': {
    title: 'The update check is old',
    explanation: {
      plural: 'days',
      one: 'The list of updates has not been refreshed for {{days}} day: recent fixes may be missing.',
      other: 'The list of updates has not been refreshed for {{days}} days: recent fixes may be missing.',
    },
    remediation: 'Check for updates, or ask your provider to check automatic updates.',
  },
  'os-updates.too-old': {
    title: 'No update for a long time',
    explanation: {
      plural: 'days',
      one: 'The last installed update is {{days}} day old, while fixes come out every month.',
      other: 'The last installed update is {{days}} days old, while fixes come out every month.',
    },
    remediation: 'Open Windows Update, install the updates, then restart.',
  },
  'auto-updates.on': {
    title: 'Automatic updates are on',
    explanation: 'The system finds and installs its security fixes by itself.',
    remediation: null,
  },
  'auto-updates.off': {
    title: 'Automatic updates are off',
    explanation: 'The system does not install its fixes by itself: someone has to remember to do it.',
    remediation: 'Ask your provider to turn automatic updates on.',
  },
  'auto-updates.check-only': {
    title: 'Updates do not install by themselves',
    explanation: 'The system looks for updates but does not install them automatically.',
    remediation: 'Turn on automatic installation of security updates.',
  },
  'auto-updates.paused': {
    title: 'Updates are paused',
    explanation: 'Updates have been paused until {{untilDate}}.',
    remediation: 'Resume updates in Settings > Windows Update.',
  },
  'screen-lock.ok': {
    title: 'The screen locks by itself',
    explanation: {
      plural: 'minutes',
      zero: 'As soon as the computer goes to sleep, the screen locks and asks for the password.',
      one: 'After {{minutes}} minute without activity, the screen locks and asks for the password.',
      other: 'After {{minutes}} minutes without activity, the screen locks and asks for the password.',
    },
    remediation: null,
  },
  'screen-lock.too-long': {
    title: 'The screen takes too long to lock',
    explanation: {
      plural: 'minutes',
      one: 'The screen only locks after {{minutes}} minute: a passer-by can look at open records.',
      other: 'The screen only locks after {{minutes}} minutes: a passer-by can look at open records.',
    },
    remediation: 'Set automatic lock to 10 minutes at most.',
  },
  'screen-lock.never': {
    title: 'The screen never locks by itself',
    explanation: 'If you leave your desk, anyone can use the computer and see the open records.',
    remediation: 'Set automatic screen lock to 10 minutes at most, with a password.',
  },
  'screen-lock.no-password': {
    title: 'No password on wake',
    explanation: 'After sleep, the computer opens again without asking for a password.',
    remediation: 'Require the password immediately after sleep or the screen saver.',
  },
  'admin-user.standard': {
    title: 'You use a standard account',
    explanation: 'Your everyday account has no administrator rights: malware opened by mistake is limited.',
    remediation: null,
  },
  'admin-user.admin': {
    title: 'Your account is an administrator',
    explanation: 'The everyday account ({{user}}) can change everything: malware opened by mistake would have the same rights.',
    remediation: 'Ask your provider to create a standard account for daily work.',
  },
  'admin-user.root': {
    title: 'You are working with the all-powerful account',
    explanation:
      'The account in use is the system’s master account, which can change anything: the smallest mistake or any malware can destroy everything.',
    remediation: 'Use a personal standard account for daily work; ask your provider to create it.',
  },
  'auto-login.off': {
    title: 'Signing in requires a password',
    explanation: 'At start-up, the computer asks for a password before opening the session.',
    remediation: null,
  },
  'auto-login.on': {
    title: 'The session opens without a password',
    explanation: 'At start-up, the session {{user}} opens by itself: anyone who turns the computer on reaches the records.',
    remediation: 'Turn off automatic sign-in (your provider can do it).',
  },
  'auto-login.password-left': {
    title: 'A password is left stored in clear',
    explanation:
      'The session no longer opens by itself, but the password it used ({{user}}) is still written in clear in the computer’s configuration: any program can read it.',
    remediation: 'Ask your provider to erase this stored password, then change the password of that account.',
  },
  'guest-account.off': {
    title: 'The guest account is off',
    explanation: 'Nobody can use the computer without an account of their own.',
    remediation: null,
  },
  'guest-account.on': {
    title: 'The guest account is on',
    explanation: 'Anyone can open a guest session without a password.',
    remediation: 'Turn off the guest account in the user settings.',
  },
  'remote-access.off': {
    title: 'No known remote access is open',
    explanation:
      'Vigie found no remote desktop, screen sharing or remote-control software running among those it can recognise. Vigie itself always asks for your consent.',
    remediation: null,
  },
  'remote-access.on': {
    title: 'A remote access is open',
    explanation: 'This computer can be controlled remotely ({{servicesList}}): a common way in for attacks and fake-support scams.',
    remediation: 'If nobody needs it, ask your provider to close this access or uninstall this software.',
  },
  'remote-access.rdp-unprotected': {
    title: 'Remote Desktop is open without protection',
    explanation:
      'Remote Desktop is open without identification first: anyone on the network reaches the sign-in screen and can try passwords. This is how much ransomware gets in.',
    remediation: 'Ask your provider today to close Remote Desktop, or at least to require identification before connecting.',
  },
  'remote-access.rdp-unprotected-and-others': {
    title: 'Remote Desktop is open without protection',
    explanation:
      'Remote Desktop is open without identification first: anyone on the network reaches the sign-in screen and can try passwords. Other remote accesses are open too: {{servicesList}}.',
    remediation:
      'Ask your provider today to close Remote Desktop, or at least to require identification before connecting, and to close the accesses nobody needs.',
  },
  'smbv1.off': {
    title: 'Old file sharing is off',
    explanation:
      'The very old way of sharing files over the network, through which ransomware spread from computer to computer, is not active.',
    remediation: null,
  },
  'smbv1.on': {
    title: 'Old file sharing is on',
    explanation: 'This computer can still open shared folders the very old way, through which ransomware spread from computer to computer.',
    remediation: 'Ask your provider to turn off old file sharing.',
  },
  'smbv1.server-on': {
    title: 'Old file sharing is open to others',
    explanation:
      'This computer still lets other devices on the network read its shared folders the very old way: an infected computer of the practice could use it to reach this one.',
    remediation: 'Ask your provider to turn off old file sharing.',
  },
  'smbv1.both-on': {
    title: 'Old file sharing is on',
    explanation:
      'This computer still uses and accepts a very old way of sharing files, through which ransomware spread from computer to computer.',
    remediation: 'Ask your provider to turn off old file sharing.',
  },
  'smbv1.allowed': {
    title: 'Old file sharing is still allowed',
    explanation: 'The system still agrees to use a very old way of sharing files if a device on the network offers it.',
    remediation: 'Ask your provider to forbid old file sharing.',
  },
  'platform-integrity.ok': {
    title: 'System protections are on',
    explanation: 'The protections that stop changes to the core of the system are in place.',
    remediation: null,
  },
  'platform-integrity.sip-off': {
    title: 'macOS system protection is off',
    explanation: 'The protection that stops changes to macOS itself is off: malware can settle in the core of the system.',
    remediation: 'Ask your provider to turn macOS system protection back on.',
  },
  'platform-integrity.sip-custom': {
    title: 'macOS system protection is weakened',
    explanation: 'The protection that stops changes to macOS itself has been partly turned off.',
    remediation: 'Ask your provider to restore full macOS system protection.',
  },
  'platform-integrity.gatekeeper-off': {
    title: 'Application checking is off',
    explanation: 'macOS no longer checks that opened applications come from identified developers.',
    remediation: 'Ask your provider to turn application checking back on.',
  },
  'platform-integrity.secure-boot-off': {
    title: 'Secure start-up is off',
    explanation:
      'When it is switched on, the computer does not check that the system it starts is genuine: malware could settle in before the system itself.',
    remediation: 'Ask your provider to turn on secure start-up in the computer’s start-up settings.',
  },
  'platform-integrity.tamper-off': {
    title: 'Tamper protection is off',
    explanation: 'Malware could turn off Microsoft Defender.',
    remediation: 'Turn on “Tamper Protection” in Windows Security > Virus & threat protection.',
  },
  'platform-integrity.mac-off': {
    title: 'Application confinement is off',
    explanation: 'The protections that limit what each program can do are not active: a booby-trapped program would have a free hand.',
    remediation: 'Ask your provider to turn application confinement back on.',
  },
  'disk-space.ok': {
    title: 'There is enough disk space',
    explanation: '{{freeBytes}} free ({{percent}}% of the disk).',
    remediation: null,
  },
  'disk-space.low': {
    title: 'The disk is almost full',
    explanation: 'Only {{freeBytes}} ({{percent}}%) left: updates and backups may fail.',
    remediation: 'Empty the bin and delete large useless files, or ask your provider for help.',
  },
  'disk-space.full': {
    title: 'The disk is full',
    explanation: 'Only {{freeBytes}} ({{percent}}%) left: updates, backups and your software may break.',
    remediation: 'Free some space now or contact your provider.',
  },
  'time-sync.ok': {
    title: 'The time is synchronised',
    explanation: 'The clock sets itself automatically from the Internet.',
    remediation: null,
  },
  'time-sync.off': {
    title: 'The time is not synchronised',
    explanation: 'The clock does not set itself: a wrong time breaks secure connections and skews timestamps.',
    remediation: 'Turn on “Set time automatically” in the date and time settings.',
  },
  'time-sync.drift': {
    title: 'The clock is off',
    explanation: {
      plural: 'seconds',
      one: 'The clock is {{seconds}} second away from the exact time.',
      other: 'The clock is {{seconds}} seconds away from the exact time.',
    },
    remediation: 'Turn on “Set time automatically” in the date and time settings.',
  },
  'backup-recency.ok': {
    title: 'The backup is recent',
    explanation: {
      plural: 'hours',
      zero: 'Last successful backup less than an hour ago.',
      one: 'Last successful backup {{hours}} hour ago.',
      other: 'Last successful backup {{hours}} hours ago.',
    },
    remediation: null,
  },
  'backup-recency.stale': {
    title: 'The last backup is getting old',
    explanation: {
      plural: 'days',
      one: 'The last successful backup is {{days}} day old.',
      other: 'The last successful backup is {{days}} days old.',
    },
    remediation: 'Leave the computer on and connected so the backup can run, or start it from Vigie.',
  },
  'backup-recency.old': {
    title: 'No recent backup',
    explanation: {
      plural: 'days',
      one: 'The last successful backup is {{days}} day old: after ransomware or a breakdown, that work would be lost.',
      other: 'The last successful backup is {{days}} days old: after ransomware or a breakdown, that work would be lost.',
    },
    remediation: 'Start a backup from Vigie or contact your provider.',
  },
  'backup-recency.failed': {
    title: 'The backup is failing',
    explanation: 'The last backup attempt failed.',
    remediation: 'Open the backup in Vigie to see the problem, or contact your provider.',
  },
  'backup-recency.never': {
    title: 'No backup has succeeded yet',
    explanation: 'The backup is set up but has never completed.',
    remediation: 'Start a backup from Vigie or contact your provider.',
  },
  'backup-recency.not-configured': {
    title: 'No backup is set up',
    explanation: 'Without a backup, ransomware, a breakdown or a theft would lose the practice’s data.',
    remediation: 'Ask your provider to set up the backup.',
  },
  unknown: {
    title: 'Could not check: {{label}}',
    explanation: 'Vigie could not check this point: {{reason}}',
    remediation: 'If this happens again, your provider can look at the technical details.',
  },
};
