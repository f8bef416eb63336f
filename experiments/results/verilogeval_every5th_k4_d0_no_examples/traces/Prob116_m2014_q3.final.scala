import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val x = Input(UInt(4.W))
    val f = Output(Bool())
  })
  val count = RegInit(0.U(4.W))
  when(io.x(0) || io.x(1) || io.x(2) || io.x(3)) { count := count + 1.U }
  io.f := count(3)
}
