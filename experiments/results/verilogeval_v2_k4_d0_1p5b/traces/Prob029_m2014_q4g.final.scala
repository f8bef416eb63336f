import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in1 = Input(UInt(1.W))
    val in2 = Input(UInt(1.W))
    val in3 = Input(UInt(1.W))
    val out = Output(UInt(1.W))
  })
  val xor1 = RegInit(false.B)
  val xor2 = RegInit(false.B)
  xor1 := xor1 ^ io.in1
  xor2 := xor2 ^ io.in2
  io.out := xor1 ^ xor2
}
