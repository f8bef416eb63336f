import chisel3._
import chisel3.util._

class WireMagic extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(32.W))
  })

  val magicWire = Wire(UInt(32.W))
  magicWire := 0xDEADBEEF.U
  io.out := magicWire
}
