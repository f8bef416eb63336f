import chisel3._
import chisel3.util._

class WireMagic extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(32.W))
    val en  = Input(Bool())
  })
  val magicValue = WireDefault(32.U(8.W)(15))
  io.out := magicValue
}
