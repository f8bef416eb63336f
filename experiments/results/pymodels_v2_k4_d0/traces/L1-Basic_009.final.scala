import chisel3._

class WireMagic extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(32.W))
  })

  val magicValue = WireDefault(0xDEADBEEF.U(8.W))

  io.out := magicValue
}
