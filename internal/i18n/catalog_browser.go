package i18n

// The texts of the check in the browser and offline (issue 11, item 4).

var browserPageTexts = map[string]string{
	"Pemeriksaan di peramban ini":           "Checked in this browser",
	"MEMERIKSA…":                            "CHECKING…",
	"PEMERIKSAAN LURING":                    "OFFLINE CHECK",
	"TIDAK DAPAT DIPERIKSA":                 "CANNOT BE CHECKED",
	"Pemeriksaan sertifikat tanpa jaringan": "Checking a certificate without a network",
	"Halaman ini tersimpan di perangkat Anda. Pindai kode QR sertifikat dengan kamera: halaman ini memeriksa tanda tangan registri pada kode QR itu dan daftar pencabutannya, juga tanpa sinyal.": "This page is kept on your device. Scan a certificate's QR code with the camera: this page checks the registry's signature in that QR code and the revocation list, even without signal.",
	"Peramban ini memeriksa sendiri tanda tangan checkpoint, daun log, bukti inklusi dan daftar pencabutan: semuanya cocok, dan sertifikat ini tidak dicabut.":                                    "This browser checked the checkpoint's signature, the log leaf, the inclusion proof and the revocation list itself: all match, and this certificate is not revoked.",
	"Peramban ini memeriksa sendiri catatan ini dan log-nya: sertifikat ini dicabut.":                                                                                                             "This browser checked this record and its log itself: this certificate is revoked.",
	"Registri tidak mengenal sertifikat dengan kode %s.":                                         "The registry knows no certificate with the code %s.",
	"Dihitung ulang di perangkat Anda dengan kunci publik registri, terpisah dari hasil server.": "Recomputed on your device with the registry's public keys, independently of the server's result.",
	"per checkpoint %s": "as of checkpoint %s",
	"daun %s":           "leaf %s",
	"Sidik PDF yang diterbitkan tidak cocok dengan entri log-nya.":                                                                           "The issued PDF's fingerprint differs from its log entry.",
	"Teks ikrar yang disajikan registri tidak cocok dengan sidiknya di log.":                                                                 "The pledge text the registry serves does not match its fingerprint in the log.",
	"sejak checkpoint %s yang terakhir dilihat perangkat ini":                                                                                "since checkpoint %s, the last this device saw",
	"Log registri tidak lagi memuat log yang dilihat perangkat ini sebelumnya: riwayatnya telah diubah.":                                     "The registry's log no longer contains the log this device saw before: its history was changed.",
	"Daftar pencabutan bertanda tangan tidak dapat diperiksa atau bertentangan dengan catatan ini.":                                          "The signed revocation list cannot be checked or contradicts this record.",
	"Kode QR sertifikat %s ditandatangani dengan kunci registri, dan sertifikat ini tidak tercantum dalam daftar pencabutan yang tersimpan.": "The QR code of certificate %s is signed with the registry's key, and the certificate is not on the revocation list kept here.",
	"Sertifikat %s tercantum dalam daftar pencabutan bertanda tangan yang tersimpan di perangkat ini.":                                       "Certificate %s is on the signed revocation list kept on this device.",
	"Pemeriksaan luring per checkpoint %s: kunci dan daftar pencabutan disimpan perangkat ini saat terakhir tersambung. Pencabutan sesudah checkpoint itu, nama pemegang dan isi catatannya tidak dapat diketahui tanpa jaringan; buka lagi halaman ini saat ada sinyal untuk pemeriksaan lengkap.": "Offline check as of checkpoint %s: the keys and the revocation list were kept by this device when it was last online. Revocations after that checkpoint, the holder's name and the record's contents cannot be known without a network; open this page again when there is signal for a full check.",
	"Tidak ada jaringan, dan perangkat ini belum menyimpan kunci registri. Buka halaman pemeriksaan sekali saat ada sinyal agar pemeriksaan luring dapat dilakukan.":                                                                                                                                "There is no network, and this device has not kept the registry's keys yet. Open the verification page once while there is signal so that it can check offline.",
	"Tanpa jaringan hanya sertifikat yang dibuka dari kode QR-nya yang dapat diperiksa: pindai kode QR pada sertifikat.":                                                                                                                                                                            "Without a network only a certificate opened from its QR code can be checked: scan the QR code on the certificate.",
	"Peramban ini tidak mendukung Ed25519 (WebCrypto); pakai Chrome, Firefox atau Safari versi baru.":                                                                                                                                                                                               "This browser does not support Ed25519 (WebCrypto); use a recent Chrome, Firefox or Safari.",
	"Pemeriksaan di peramban ini tidak dapat diselesaikan: %s": "The check in this browser could not be completed: %s",
}
