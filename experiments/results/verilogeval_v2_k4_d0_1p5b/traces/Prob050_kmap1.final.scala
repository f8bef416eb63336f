import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(1.W))
    val b = Input(UInt(1.W))
    val c = Input(UInt(1.W))
    val out = Output(UInt(1.W))
  })
  val and1 = RegInit(false.B)
  val and2 = RegInit(false.B)
  val and3 = RegInit(false.B)
  and1 := io.a & io.b
  and2 := and1 & io.c
  and3 := and2 & io.a
  io.out := and3
}
