import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val x = Input(UInt(4.W))
    val f = Output(Bool())
  })
  val f = io.x.xorR
  io.f := f
}
