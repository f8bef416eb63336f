import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in = Input(UInt(4.W))
    val out_and = Output(UInt(1.W))
    val out_or = Output(UInt(1.W))
    val out_xor = Output(UInt(1.W))
  })
  val andGate = RegInit(false.B)
  val orGate = RegInit(false.B)
  val xorGate = RegInit(false.B)
  andGate := io.in(3) & io.in(2) & io.in(1) & io.in(0)
  orGate := io.in(3) | io.in(2) | io.in(1) | io.in(0)
  xorGate := io.in(3) ^ io.in(2) ^ io.in(1) ^ io.in(0)
  io.out_and := andGate
  io.out_or := orGate
  io.out_xor := xorGate
}
