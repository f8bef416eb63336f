import chisel3._
import chisel3.util._

class Alu4 extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(4.W))
    val b = Input(UInt(4.W))
    val op = Input(UInt(3.W))
    val out = Output(UInt(4.W))
    val zero = Output(Bool())
  })

  val add = io.a + io.b
  val sub = io.a - io.b
  val and = io.a & io.b
  val or = io.a | io.b
  val xor = io.a ^ io.b
  val shiftLeft = io.a << 1
  val shiftRight = io.a >> 1
  val lessUnsigned = io.a < io.b

  io.out := io.op match {
    case 0 => add
    case 1 => sub
    case 2 => and
    case 3 => or
    case 4 => xor
    case 5 => shiftLeft
    case 6 => shiftRight
    case 7 => when(lessUnsigned, 1.U, 0.U)
  }

  io.zero := io.out === 0.U
}
